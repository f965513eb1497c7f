public import FogCrypto

/// A node as a store holds it: the node, and for a branch the versions its children are stored at,
/// so that a lookup can go from a parent straight to each child.
public struct SparseMerkleStoredNode: Hashable, Sendable {
    /// The node (its hash does not depend on the versions).
    public let node: SparseMerkleNode
    /// For a branch, the version its left child is stored at; 0 for a leaf.
    public let leftVersion: UInt64
    /// For a branch, the version its right child is stored at; 0 for a leaf.
    public let rightVersion: UInt64

    /// A stored node; a leaf's child versions are 0.
    public init(_ node: SparseMerkleNode, leftVersion: UInt64 = 0, rightVersion: UInt64 = 0) {
        self.node = node
        if case .branch = node {
            self.leftVersion = leftVersion
            self.rightVersion = rightVersion
        } else {
            self.leftVersion = 0
            self.rightVersion = 0
        }
    }
}

/// Where the nodes of sparse Merkle trees are read from, by hash and version.
///
/// Nodes are immutable and content-addressed, so one store serves every version of the tree: a root
/// stays readable for as long as the nodes under it are kept. Each tree update writes its new nodes
/// under one *version* (the ledger uses the block height), and a branch records the versions of
/// its children, so a store may file nodes by (version, hash) and keep each update's nodes
/// together: a persistent store then appends an update's nodes instead of inserting them at random
/// places of a hash index. A store that files nodes by hash alone may ignore `version`.
///
/// A store must return, for a hash, only a node whose ``SparseMerkleNode/hash`` is that hash;
/// persistent stores may throw their own errors, which the tree operations pass on.
public protocol SparseMerkleNodeStore {
    /// The node whose hash is `hash`, written at `version`, or `nil` when the store does not hold it.
    func node(_ hash: Hash256, version: UInt64) throws -> SparseMerkleStoredNode?
}

/// A node store in memory, for tests, simulation and short-lived trees: nodes by hash, whatever
/// their version.
public struct InMemorySparseMerkleNodeStore: SparseMerkleNodeStore, Sendable {
    private var nodes: [Hash256: SparseMerkleStoredNode] = [:]

    /// Creates an empty store.
    public init() {}

    /// The number of distinct nodes held.
    public var count: Int { nodes.count }

    /// The node whose hash is `hash`, or `nil`; every version of a node is the same node here.
    public func node(_ hash: Hash256, version: UInt64) -> SparseMerkleStoredNode? {
        nodes[hash]
    }

    /// Stores `node` under its own hash; storing a node twice is harmless.
    public mutating func insert(_ node: SparseMerkleStoredNode) {
        nodes[node.node.hash] = node
    }

    /// Stores the nodes an update created, under the hashes it computed for them.
    public mutating func insert(_ update: SparseMerkleUpdate) {
        for (hash, node) in update.newNodes {
            nodes[hash] = node
        }
    }
}
