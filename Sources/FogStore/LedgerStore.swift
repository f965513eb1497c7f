public import FogCrypto
public import FogExecution
public import FogTypes

/// What a node persists and reads: blocks with their commits, receipts and the transaction index,
/// the reading index, and the versioned state (records by key, sparse Merkle nodes by hash and version).
///
/// The store is a ``StateReader`` on its latest state, so the executor runs on it directly:
/// `executor.executeBlock(envelopes, context:, parentRoot: try store.latestStateRoot(), state: store)`.
///
/// Every write is atomic: ``commitBlock(_:)`` persists a block, its receipts, readings and state diff
/// together or not at all, and once it returns the block is durable. Height 0 is the genesis state
/// (no block); blocks start at 1.
public protocol LedgerStore: StateReader, Sendable {
    /// The chain and genesis the store belongs to.
    var metadata: StoreMetadata { get }
    /// How many recent heights keep every state version (``record(_:at:)``); older ones are pruned.
    var retainedVersions: UInt64 { get }

    /// Persists one executed block atomically and durably. The block must be the next height, on top
    /// of the latest block and state root, with one receipt per transaction.
    func commitBlock(_ block: BlockCommitment) throws

    /// Stores the commit of an already stored block (when it arrives later, e.g. with the next
    /// block's proposal). Storing the same block's commit again replaces it.
    func attachCommit(_ commit: Commit) throws

    /// The latest committed height (0 before the first block).
    func latestHeight() throws -> UInt64
    /// The state root after height `height` (the genesis root at 0), or `nil` above the latest height.
    func stateRoot(at height: UInt64) throws -> Hash256?
    /// The block at `height`, or `nil`.
    func block(at height: UInt64) throws -> Block?
    /// The header of the block at `height`, or `nil`.
    func header(at height: UInt64) throws -> BlockHeader?
    /// The commit of the block at `height`, or `nil` while it has none.
    func commit(at height: UInt64) throws -> Commit?
    /// The block whose id is `id`, or `nil`.
    func block(id: Hash256) throws -> Block?
    /// Every occurrence of a transaction id in the chain (a replayed envelope has its original's id
    /// and a failure receipt), ordered by height and position.
    func receipts(transactionID: Hash256) throws -> [StoredReceipt]
    /// The receipts of the block at `height`, in the order of its transactions (none for a height
    /// without a block).
    func receipts(height: UInt64) throws -> [Receipt]
    /// The heights below `height` whose header names a next validator set other than its own (the
    /// validator-set change points of spec/light-client.md §4), in ascending order.
    func validatorSetChangeHeights(below height: UInt64) throws -> [UInt64]
    /// A page of `device`'s committed readings with `timeMillis` in `range`, ordered by (time,
    /// sequence), starting after `cursor`. `limit` is 1...``StoreLimits/maxReadingsPage``.
    func readings(device: Address, timeMillis range: Range<UInt64>, after cursor: ReadingCursor?,
                  limit: Int) throws -> ReadingPage
    /// The committed reading of `device` with sequence number `sequence`, or `nil`.
    func reading(device: Address, sequence: UInt64) throws -> StoredReading?

    /// The record under `key` in the state after height `height`; throws ``StoreError/Code/heightPruned``
    /// below the retained window and ``StoreError/Code/unknownHeight`` above the latest height.
    func record(_ key: Hash256, at height: UInt64) throws -> [UInt8]?
}

extension LedgerStore {
    /// The state root of the latest height.
    public func latestStateRoot() throws -> Hash256 {
        let height = try latestHeight()
        guard let root = try stateRoot(at: height) else {
            throw StoreError(.corrupt, "no state root at the latest height \(height)")
        }
        return root
    }

    /// The receipt of a transaction id: its first applied occurrence, else its first occurrence.
    public func receipt(transactionID: Hash256) throws -> StoredReceipt? {
        let all = try receipts(transactionID: transactionID)
        return all.first(where: \.receipt.isOK) ?? all.first
    }

    /// The lowest height whose state versions are still kept, given the latest height.
    public func oldestRetainedHeight() throws -> UInt64 {
        StoreLimits.oldestRetained(latest: try latestHeight(), retained: retainedVersions)
    }
}
