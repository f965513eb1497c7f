public import FogCrypto

/// The outcome of ``SparseMerkleTree/update(root:changes:in:)``: the new root and the nodes to store
/// so that it can be read.
public struct SparseMerkleUpdate: Sendable {
    /// The root of the tree after the changes.
    public let root: Hash256
    /// The nodes the update created, each with its hash, children before parents.
    ///
    /// Nodes of the old tree that the new one still uses are not repeated; a node may still be one
    /// the store already holds from an older version, and storing it again is harmless.
    /// Nodes the new tree no longer uses are left in place for older roots.
    public let newNodes: [(hash: Hash256, node: SparseMerkleNode)]
}

extension SparseMerkleTree {
    /// Applies `changes` to the tree with root `root`: each key is set to its value hash, or removed
    /// when the value hash is `nil` (removing an absent key changes nothing). When a key appears more
    /// than once, its last change wins, as if the changes were applied in order.
    ///
    /// The changes are sorted once and the tree is rewritten in one pass, visiting each affected
    /// node once; the result depends only on the resulting set of pairs, never on the order of the
    /// changes or on the history of the tree. Nothing is written: store ``SparseMerkleUpdate/newNodes``
    /// to be able to read the new root.
    ///
    /// Throws like ``value(for:root:in:)``.
    public static func update(
        root: Hash256,
        changes: [(key: Hash256, valueHash: Hash256?)],
        in store: some SparseMerkleNodeStore
    ) throws -> SparseMerkleUpdate {
        var rewriter = SparseMerkleRewriter(store: store)
        let result = try rewriter.rewrite(root, depth: 0, SparseMerkleRewriter.normalize(changes)[...])
        return SparseMerkleUpdate(root: result.hash, newNodes: rewriter.created)
    }
}
