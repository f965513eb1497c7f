public import FogCrypto
public import FogTypes

extension BlockCommitment {
    /// Checks that the commitment is the next block of the chain whose latest height, block id and
    /// state root are given, and that its parts agree. Both stores run this before writing.
    public func check(metadata: StoreMetadata, latestHeight: UInt64, latestBlockID: Hash256?,
                      latestStateRoot: Hash256) throws(StoreError) {
        let header = block.header
        guard header.height == latestHeight + 1 else {
            throw StoreError(.notNextBlock, "block at height \(header.height), expected \(latestHeight + 1)")
        }
        if let latestBlockID, header.previousBlockID != latestBlockID {
            throw StoreError(.notNextBlock, "block \(header.height) does not extend block \(latestHeight)")
        }
        guard header.chainID == metadata.chainID else {
            throw StoreError(.inconsistentBlock, "block of chain \(header.chainID) in a store of \(metadata.chainID)")
        }
        guard state.parentRoot == latestStateRoot else {
            throw StoreError(.inconsistentBlock, "state diff over \(state.parentRoot), latest root is \(latestStateRoot)")
        }
        guard state.root == header.stateRoot else {
            throw StoreError(.inconsistentBlock, "state diff ends at \(state.root), header says \(header.stateRoot)")
        }
        guard state.version == header.height else {
            throw StoreError(.inconsistentBlock, "state diff of height \(state.version) in block \(header.height)")
        }
        guard receipts.count == block.transactions.count,
              receipts.allSatisfy({ $0.height == header.height }) else {
            throw StoreError(.inconsistentBlock, "block \(header.height) needs one receipt of its height per transaction")
        }
        if let commit {
            try Self.check(commit, height: header.height, blockID: header.blockID)
        }
        if let lastCommit = block.lastCommit, let latestBlockID {
            try Self.check(lastCommit, height: latestHeight, blockID: latestBlockID)
        }
    }

    /// Checks that `commit` is for the block `blockID` at `height`.
    public static func check(_ commit: Commit, height: UInt64, blockID: Hash256?) throws(StoreError) {
        guard let blockID, commit.height == height else {
            throw StoreError(.commitMismatch, "commit for height \(commit.height): no such block")
        }
        guard commit.blockID == blockID else {
            throw StoreError(.commitMismatch, "commit for block \(commit.blockID), the block at \(height) is \(blockID)")
        }
    }
}
