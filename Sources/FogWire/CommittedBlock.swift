import FogCore
public import FogTypes

/// A block with the commit that finalises it, as block sync serves it: `{1: block, 2: commit}`.
///
/// Decoding checks that the commit is for this block and height; the receiver verifies the commit
/// against the validator set it knows for that height.
public struct CommittedBlock: Hashable, Sendable {
    /// The block.
    public let block: Block
    /// The precommits that finalise it.
    public let commit: Commit

    /// Pairs a block with its commit.
    public init(block: Block, commit: Commit) throws(WireError) {
        guard commit.blockID == block.header.hash, commit.height == block.header.height else {
            throw WireError(.invalidValue,
                            "commit for \(commit.blockID) at height \(commit.height) does not finalise block \(block.header.hash) at \(block.header.height)")
        }
        self.block = block
        self.commit = commit
    }

    var body: CBORValue {
        WireBody.map([(1, block.cborValue), (2, commit.cborValue)])
    }

    init(body: CBORValue) throws {
        var fields = try CBORFields(body, object: "block-response")
        let block = try Block.decode(try fields.required(1, "block"))
        let commit = try Commit.decode(try fields.required(2, "commit"))
        try fields.finish()
        try self.init(block: block, commit: commit)
    }
}
