public import FogCrypto

/// The authenticated state tree of the ledger: a sparse Merkle tree mapping 256-bit keys to 256-bit
/// value hashes, with inclusion and non-inclusion proofs.
///
/// The tree is the binary trie over the bits of the keys (bit 0 is the most significant bit of byte
/// 0; a 0 bit goes left), with every subtree that holds a single key replaced by that key's leaf and
/// every subtree that holds none by the empty hash. So the tree, and its root, depend only on the set
/// of (key, value hash) pairs, and a key's proof has about log2(n) hashes rather than 256:
///
/// ```
/// R(S, d) = 0x00…00 (32 zero bytes)                      if S is empty
///         = SHA-256(0x00 || key || valueHash)            if S = {(key, valueHash)}
///         = SHA-256(0x01 || R(S0, d+1) || R(S1, d+1))    otherwise, Sb = pairs whose key bit d is b
/// root    = R(all pairs, 0)
/// ```
///
/// Nodes are immutable and content-addressed in a ``SparseMerkleNodeStore``, each written under the
/// version of the update that created it; an update writes new nodes and leaves the old ones, so
/// earlier roots stay readable at their versions. See `spec/merkle.md`.
public enum SparseMerkleTree {
    /// The root of the empty tree, and the hash of every empty subtree: 32 zero bytes.
    public static let emptyRoot = Hash256.zero

    /// The greatest depth of a node: two distinct keys part at bit 255 at the latest, so leaves lie
    /// at depth 256 at most and a proof has at most 256 sibling hashes.
    public static let maxDepth = 256

    /// The hash of the leaf holding `key` with `valueHash`: `SHA-256(0x00 || key || valueHash)`.
    public static func leafHash(key: Hash256, valueHash: Hash256) -> Hash256 {
        MerkleHashing.sparseLeaf(key: key, valueHash: valueHash)
    }

    /// The hash of a branch node: `SHA-256(0x01 || left || right)`.
    public static func nodeHash(_ left: Hash256, _ right: Hash256) -> Hash256 {
        MerkleHashing.node(left, right)
    }

    /// The value hash stored under `key` in the tree with root `root` (stored at `version`), or
    /// `nil` when the key is absent.
    ///
    /// Throws what `store` throws, or ``MerkleError`` (``MerkleError/Code/missingNode``,
    /// ``MerkleError/Code/malformedTree``) when the store does not hold a well-formed tree under
    /// `root`.
    public static func value(
        for key: Hash256, root: Hash256, version: UInt64, in store: some SparseMerkleNodeStore
    ) throws -> Hash256? {
        var hash = root
        var nodeVersion = version
        var depth = 0
        while true {
            guard let stored = try load(hash, version: nodeVersion, from: store) else { return nil }
            switch stored.node {
            case let .leaf(leafKey, valueHash):
                return leafKey == key ? valueHash : nil
            case let .branch(left, right):
                guard depth < maxDepth else { throw malformed("branch at depth \(depth) under \(root)") }
                (hash, nodeVersion) = key.bit(depth) ? (right, stored.rightVersion) : (left, stored.leftVersion)
                depth += 1
            }
        }
    }

    /// The proof of `key`'s value hash (inclusion) or of its absence (non-inclusion) in the tree with
    /// root `root` (stored at `version`).
    ///
    /// Throws like ``value(for:root:version:in:)``.
    public static func proof(
        for key: Hash256, root: Hash256, version: UInt64, in store: some SparseMerkleNodeStore
    ) throws -> SparseMerkleProof {
        var hash = root
        var nodeVersion = version
        var siblings: [Hash256] = []
        while true {
            guard let stored = try load(hash, version: nodeVersion, from: store) else {
                return SparseMerkleProof(unchecked: .empty, siblings: siblings)
            }
            switch stored.node {
            case let .leaf(leafKey, valueHash):
                return SparseMerkleProof(
                    unchecked: .leaf(key: leafKey, valueHash: valueHash), siblings: siblings)
            case let .branch(left, right):
                guard siblings.count < maxDepth else {
                    throw malformed("branch at depth \(siblings.count) under \(root)")
                }
                if key.bit(siblings.count) {
                    siblings.append(left)
                    (hash, nodeVersion) = (right, stored.rightVersion)
                } else {
                    siblings.append(right)
                    (hash, nodeVersion) = (left, stored.leftVersion)
                }
            }
        }
    }

    /// The node with hash `hash` stored at `version`, `nil` for the empty subtree; throws when the
    /// store lacks it.
    static func load(_ hash: Hash256, version: UInt64,
                     from store: some SparseMerkleNodeStore) throws -> SparseMerkleStoredNode? {
        if hash == emptyRoot { return nil }
        guard let stored = try store.node(hash, version: version) else {
            throw MerkleError(.missingNode, "no node \(hash) at version \(version) in the store")
        }
        return stored
    }

    static func malformed(_ detail: String) -> MerkleError {
        MerkleError(.malformedTree, detail)
    }
}
