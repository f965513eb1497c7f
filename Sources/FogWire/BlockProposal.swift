import FogCore
public import FogTypes

/// A signed proposal together with the block it proposes: `{1: proposal envelope, 2: block}`.
///
/// Decoding checks that the block is the one proposed (its header hash is the proposal's block id,
/// at the proposal's height); the signature is checked by consensus, which knows the proposer's key.
public struct BlockProposal: Hashable, Sendable {
    /// The proposer's signed proposal.
    public let proposal: Signed<Proposal>
    /// The proposed block.
    public let block: Block

    /// Pairs a proposal with its block.
    public init(proposal: Signed<Proposal>, block: Block) throws(WireError) {
        guard block.header.hash == proposal.object.blockID else {
            throw WireError(.invalidValue, "proposal names block \(proposal.object.blockID), the block is \(block.header.hash)")
        }
        guard block.header.height == proposal.object.height else {
            throw WireError(.invalidValue,
                            "proposal is for height \(proposal.object.height), the block for \(block.header.height)")
        }
        self.proposal = proposal
        self.block = block
    }

    var body: CBORValue {
        WireBody.map([(1, .bytes(proposal.bytes)), (2, block.cborValue)])
    }

    init(body: CBORValue) throws {
        var fields = try CBORFields(body, object: "proposal-message")
        let envelope = try WireBody.bytes(&fields, 1, "proposal-message.proposal", maxBytes: ObjectLimits.maxEnvelopeBytes)
        let proposal = try Signed<Proposal>(decoding: envelope, limits: WireLimits.cbor)
        let block = try Block.decode(try fields.required(2, "block"))
        try fields.finish()
        try self.init(proposal: proposal, block: block)
    }
}
