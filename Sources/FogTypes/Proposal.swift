public import FogCore
public import FogCrypto

/// A proposer's signed proposal of a block for a height and round:
/// `{0: 4, 1: chain, 2: height, 3: round, 4: polRound, 5: block id, 6: proposer}`.
///
/// `polRound` is the round of the proof-of-lock the proposer re-proposes from, or -1 for none
/// (Tendermint's validRound).
public struct Proposal: SignedObject {
    public static let objectType = ObjectType.proposal

    public let chainID: ChainID
    /// The height proposed for (≥ 1).
    public let height: UInt64
    /// The round.
    public let round: UInt64
    /// The proof-of-lock round, or -1.
    public let polRound: Int64
    /// The id (header hash) of the proposed block.
    public let blockID: Hash256
    /// The proposer's address.
    public let proposer: Address

    /// Creates a proposal; `polRound` must be -1 or lower than `round`.
    public init(chainID: ChainID, height: UInt64, round: UInt64, polRound: Int64, blockID: Hash256,
                proposer: Address) throws(ObjectError) {
        guard height >= 1 else { throw ObjectError(.invalidValue, "proposal.height must be at least 1") }
        guard polRound == -1 || (polRound >= 0 && UInt64(polRound) < round) else {
            throw ObjectError(.invalidValue, "proposal.polRound must be -1 or below the round")
        }
        self.chainID = chainID
        self.height = height
        self.round = round
        self.polRound = polRound
        self.blockID = blockID
        self.proposer = proposer
    }

    public var signer: Address { proposer }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, .text(chainID.value))
        entries.put(2, .unsigned(height))
        entries.put(3, .unsigned(round))
        entries.put(4, .int(polRound))
        entries.put(5, .hash(blockID))
        entries.put(6, .address(proposer))
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let chainID = try fields.chain()
        try self.init(chainID: chainID, height: try fields.uint(2, "height"), round: try fields.uint(3, "round"),
                      polRound: try fields.int(4, "polRound"), blockID: try fields.hash(5, "block"),
                      proposer: try fields.address(6, "proposer"))
    }
}
