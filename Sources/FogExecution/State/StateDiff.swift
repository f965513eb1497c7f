public import FogCrypto
public import FogMerkle

/// One changed state entry: the record bytes now stored under `key`, or `nil` when it was removed.
public struct StateChange: Hashable, Sendable {
    /// The state key (``StateKey``).
    public let key: Hash256
    /// The new record's encoding, or `nil` for a removal.
    public let record: [UInt8]?

    /// Creates a change.
    public init(key: Hash256, record: [UInt8]?) {
        self.key = key
        self.record = record
    }

    /// What the tree stores for the entry: SHA-256 of the record's encoding.
    public var valueHash: Hash256? { record.map(SHA256Hasher.hash) }
}

/// Everything a block (or genesis) changed in the state, for a storage layer to persist atomically:
/// the changed records in ascending key order, and the tree update from `parentRoot` to `root`.
///
/// The tree after height `h` is stored at version `h` (genesis at 0): a block's diff reads its
/// parent's tree at `h - 1` and its new nodes, the root among them, are for `h` (``version``).
public struct StateDiff: Sendable {
    /// The state root the changes apply to.
    public let parentRoot: Hash256
    /// The state root after them.
    public let root: Hash256
    /// The changed entries, sorted by key, each key once.
    public let changes: [StateChange]
    /// The height whose state this is: the version of ``newNodes``.
    public let version: UInt64
    /// The tree nodes to store at ``version``: those the new root needs that the parent's tree did
    /// not create, and the root (children first).
    public let newNodes: [(hash: Hash256, node: SparseMerkleStoredNode)]

    /// Computes the diff of `changes` (sorted, distinct keys) at height `height` over the tree with
    /// root `parentRoot`, the state after height `height - 1` (empty for genesis, height 0).
    static func compute(parentRoot: Hash256, height: UInt64, changes: [StateChange],
                        nodes: some SparseMerkleNodeStore) throws -> StateDiff {
        let update = try SparseMerkleTree.update(
            root: parentRoot, rootVersion: height == 0 ? 0 : height - 1,
            changes: changes.map { (key: $0.key, valueHash: $0.valueHash) }, version: height, in: nodes)
        return StateDiff(parentRoot: parentRoot, root: update.root, changes: changes, version: height,
                         newNodes: update.newNodes)
    }
}
