import FogCrypto
import FogMerkle
import Synchronization

/// Sparse Merkle tree nodes the store wrote or read recently, by hash, so that a block's tree
/// update reads the paths it rewrites from memory instead of one SQLite read transaction per node.
///
/// An entry can never be stale: a node is named by its own hash and the store never deletes one.
/// The same node may be stored at several versions, with children at different versions; the
/// children of every copy are stored, so any copy serves a lookup at any version.
/// Only nodes that are in the database are added (read from it, or written by a committed
/// transaction). The cache holds at most ``capacity`` nodes and starts over when full.
final class SparseNodeCache: Sendable {
    /// The most nodes held at once.
    let capacity: Int
    private let nodes: Mutex<[Hash256: SparseMerkleStoredNode]>

    /// An empty cache for at most `capacity` nodes (0: nothing is cached), its table allocated
    /// whole: growing it by doubling moved every node again at each step, in the block write.
    init(capacity: Int) {
        self.capacity = max(0, capacity)
        nodes = Mutex(Dictionary(minimumCapacity: self.capacity))
    }

    /// The node stored under `hash`, if cached.
    func node(_ hash: Hash256) -> SparseMerkleStoredNode? {
        nodes.withLock { $0[hash] }
    }

    /// Caches nodes that are in the database.
    func insert(_ entries: some Sequence<(hash: Hash256, node: SparseMerkleStoredNode)>) {
        guard capacity > 0 else { return }
        nodes.withLock { nodes in
            for entry in entries {
                if nodes.count >= capacity { nodes.removeAll(keepingCapacity: true) }
                nodes[entry.hash] = entry.node
            }
        }
    }

    /// How many nodes are cached.
    var count: Int { nodes.withLock { $0.count } }
}
