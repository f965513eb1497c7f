public import FogCrypto

/// A stored node of the sparse Merkle tree, addressed by its ``hash``.
///
/// The empty subtree is not a node: it is the hash ``SparseMerkleTree/emptyRoot`` (all zero bytes),
/// which no node hashes to.
public enum SparseMerkleNode: Hashable, Sendable {
    /// A subtree holding exactly one key, whatever its depth: hash `SHA-256(0x00 || key || valueHash)`.
    case leaf(key: Hash256, valueHash: Hash256)
    /// A subtree holding two or more keys, split on the key bit of its depth: hash
    /// `SHA-256(0x01 || left || right)`; `left` holds the keys whose bit is 0.
    case branch(left: Hash256, right: Hash256)

    /// The node's hash, under which it is stored and referred to by its parent.
    public var hash: Hash256 {
        switch self {
        case let .leaf(key, valueHash): MerkleHashing.sparseLeaf(key: key, valueHash: valueHash)
        case let .branch(left, right): MerkleHashing.node(left, right)
        }
    }
}
