public import FogCrypto

/// The outcome of ``SparseMerkleTree/update(root:rootVersion:changes:version:in:)``: the new root
/// and the nodes to store at the update's version so that it can be read.
public struct SparseMerkleUpdate: Sendable {
    /// The root of the tree after the changes, readable at ``version``.
    public let root: Hash256
    /// The version the new nodes are to be stored at.
    public let version: UInt64
    /// The nodes to store at ``version``, each with its hash, children before parents.
    ///
    /// Nodes of the old tree that the new one still uses are not repeated, except the root: a
    /// non-empty root is always among them (an unchanged one again), so that the tree at a version
    /// is found from its root at that version. Nodes the new tree no longer uses are left in place
    /// for older roots.
    public let newNodes: [(hash: Hash256, node: SparseMerkleStoredNode)]
}

extension SparseMerkleTree {
    /// Applies `changes` to the tree with root `root` (stored at `rootVersion`): each key is set to
    /// its value hash, or removed when the value hash is `nil` (removing an absent key changes
    /// nothing). When a key appears more than once, its last change wins, as if the changes were
    /// applied in order. The new nodes are for `version`.
    ///
    /// The changes are sorted once and the tree is rewritten in one pass, visiting each affected
    /// node once; the result depends only on the resulting set of pairs, never on the order of the
    /// changes or on the history of the tree. Nothing is written: store ``SparseMerkleUpdate/newNodes``
    /// at `version` to be able to read the new root.
    ///
    /// Throws like ``value(for:root:version:in:)``.
    public static func update(
        root: Hash256,
        rootVersion: UInt64,
        changes: [(key: Hash256, valueHash: Hash256?)],
        version: UInt64,
        in store: some SparseMerkleNodeStore
    ) throws -> SparseMerkleUpdate {
        var rewriter = SparseMerkleRewriter(store: store, version: version)
        let result = try rewriter.rewrite(root, version: rootVersion, depth: 0,
                                          SparseMerkleRewriter.normalize(changes)[...])
        try rewriter.restoreRoot(result)
        return SparseMerkleUpdate(root: result.hash, version: version, newNodes: rewriter.created)
    }
}
