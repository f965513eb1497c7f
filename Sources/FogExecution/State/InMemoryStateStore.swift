public import FogCrypto
public import FogMerkle
public import FogTypes

/// The latest state held in memory: records by key, and every tree node ever written (so older
/// roots stay provable). For tests, simulation and the in-memory node.
public struct InMemoryStateStore: StateReader, Sendable {
    private var records: [Hash256: [UInt8]] = [:]
    private var nodes = InMemorySparseMerkleNodeStore()
    /// The root of the state the records belong to.
    public private(set) var root: Hash256 = SparseMerkleTree.emptyRoot

    /// Creates an empty state.
    public init() {}

    /// Creates the state of `genesis`.
    public init(genesis: Genesis) throws {
        let diff = try GenesisState.diff(genesis, in: self)
        apply(diff)
    }

    /// The number of records held.
    public var recordCount: Int { records.count }

    public func record(_ key: Hash256) -> [UInt8]? { records[key] }

    public func node(_ hash: Hash256, version: UInt64) -> SparseMerkleStoredNode? { nodes.node(hash, version: version) }

    /// Every record as (key, bytes), sorted by key.
    public func allRecords() -> [StateChange] {
        records.keys.sorted().map { StateChange(key: $0, record: records[$0]) }
    }

    /// Applies a diff made on top of this state's root.
    public mutating func apply(_ diff: StateDiff) {
        precondition(diff.parentRoot == root, "a diff over \(diff.parentRoot) applied to the state at \(root)")
        for (hash, node) in diff.newNodes {
            nodes.insert(node)
            assert(node.node.hash == hash)
        }
        for change in diff.changes {
            records[change.key] = change.record
        }
        root = diff.root
    }
}
