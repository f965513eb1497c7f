public import FogCrypto

/// Where the nodes of sparse Merkle trees are read from, by hash.
///
/// Nodes are immutable and content-addressed, so one store serves every version of the tree: a root
/// stays readable for as long as the nodes under it are kept. A store must return, for a hash, only
/// a node whose ``SparseMerkleNode/hash`` is that hash; persistent stores may throw their own errors,
/// which the tree operations pass on.
public protocol SparseMerkleNodeStore {
    /// The node whose hash is `hash`, or `nil` when the store does not hold it.
    func node(_ hash: Hash256) throws -> SparseMerkleNode?
}

/// A node store in memory, for tests, simulation and short-lived trees.
public struct InMemorySparseMerkleNodeStore: SparseMerkleNodeStore, Sendable {
    private var nodes: [Hash256: SparseMerkleNode] = [:]

    /// Creates an empty store.
    public init() {}

    /// The number of distinct nodes held.
    public var count: Int { nodes.count }

    /// The node whose hash is `hash`, or `nil`.
    public func node(_ hash: Hash256) -> SparseMerkleNode? {
        nodes[hash]
    }

    /// Stores `node` under its own hash; storing a node twice is harmless.
    public mutating func insert(_ node: SparseMerkleNode) {
        nodes[node.hash] = node
    }

    /// Stores the nodes an update created, under the hashes it computed for them.
    public mutating func insert(_ update: SparseMerkleUpdate) {
        for (hash, node) in update.newNodes {
            nodes[hash] = node
        }
    }
}
