public import FogCrypto

/// A proof of a key's value hash in the sparse Merkle tree (inclusion), or of the key's absence
/// (non-inclusion): the subtree found at the end of the key's path, and the sibling hashes along it.
///
/// The key is absent when its path ends in an empty subtree, or in the leaf of a different key that
/// occupies the subtree the key would be in. A value of this type is always well-formed: at most
/// ``SparseMerkleTree/maxDepth`` siblings, and no shape a canonical tree cannot have. Whether it
/// proves anything is for ``verify(root:key:valueHash:)``.
public struct SparseMerkleProof: Hashable, Sendable {
    /// The subtree at the end of a key's path.
    public enum Terminal: Hashable, Sendable {
        /// An empty subtree: the key is absent.
        case empty
        /// A subtree holding one key: the key itself (inclusion) or another that shares the path
        /// so far (non-inclusion).
        case leaf(key: Hash256, valueHash: Hash256)
    }

    /// The subtree at the end of the key's path, at depth `siblings.count`.
    public let terminal: Terminal
    /// The sibling hashes along the key's path, from the root down: `siblings[d]` is the hash of the
    /// child of the path's depth-`d` node that the path does not take (the left child when key bit
    /// `d` is 1, the right child when it is 0).
    public let siblings: [Hash256]

    /// Creates a proof from untrusted parts, checking its shape.
    ///
    /// Throws ``MerkleError/Code/wrongPathLength`` for more than 256 siblings, and
    /// ``MerkleError/Code/nonCanonicalProof`` when the deepest sibling is empty (a leaf or empty
    /// subtree beside an empty one is lifted in a canonical tree), or an empty terminal sits at
    /// depth 256 (where only leaves can be).
    public init(terminal: Terminal, siblings: [Hash256]) throws(MerkleError) {
        guard siblings.count <= SparseMerkleTree.maxDepth else {
            throw MerkleError(.wrongPathLength, "\(siblings.count) siblings, at most \(SparseMerkleTree.maxDepth)")
        }
        if let deepest = siblings.last, deepest == SparseMerkleTree.emptyRoot {
            throw MerkleError(.nonCanonicalProof, "the deepest sibling is an empty subtree")
        }
        if terminal == .empty && siblings.count == SparseMerkleTree.maxDepth {
            throw MerkleError(.nonCanonicalProof, "an empty subtree at depth \(SparseMerkleTree.maxDepth)")
        }
        self.init(unchecked: terminal, siblings: siblings)
    }

    /// Creates a proof this module has just read from a tree.
    init(unchecked terminal: Terminal, siblings: [Hash256]) {
        self.terminal = terminal
        self.siblings = siblings
    }

    /// The root this proof leads to for `key`: the terminal's hash, folded with the siblings from the
    /// deepest up, on the side that key bit of each depth names.
    ///
    /// Throws ``MerkleError/Code/leafNotOnPath`` when the terminal leaf's key does not share the
    /// first `siblings.count` bits of `key`.
    public func computeRoot(key: Hash256) throws(MerkleError) -> Hash256 {
        var hash: Hash256
        switch terminal {
        case .empty:
            hash = SparseMerkleTree.emptyRoot
        case let .leaf(leafKey, valueHash):
            guard leafKey.commonPrefixLength(with: key) >= siblings.count else {
                throw MerkleError(
                    .leafNotOnPath, "leaf \(leafKey) is not on the path of \(key) at depth \(siblings.count)")
            }
            hash = MerkleHashing.sparseLeaf(key: leafKey, valueHash: valueHash)
        }
        var depth = siblings.count
        while depth > 0 {
            depth -= 1
            let sibling = siblings[depth]
            hash = key.bit(depth) ? MerkleHashing.node(sibling, hash) : MerkleHashing.node(hash, sibling)
        }
        return hash
    }

    /// Checks that this proof shows `key` holding `valueHash` (or, for `nil`, `key` absent) in the
    /// tree with root `root`; throws ``MerkleError`` saying why not.
    public func check(root: Hash256, key: Hash256, valueHash: Hash256?) throws(MerkleError) {
        switch (terminal, valueHash) {
        case (.empty, nil):
            break
        case (.empty, .some):
            throw MerkleError(.leafMismatch, "the proof shows \(key) absent")
        case let (.leaf(leafKey, _), nil):
            guard leafKey != key else {
                throw MerkleError(.leafMismatch, "the proof shows \(key) present")
            }
        case let (.leaf(leafKey, leafValue), .some(expected)):
            guard leafKey == key else {
                throw MerkleError(.leafMismatch, "the proof shows \(key) absent")
            }
            guard leafValue == expected else {
                throw MerkleError(.leafMismatch, "the proof shows value \(leafValue), expected \(expected)")
            }
        }
        let computed = try computeRoot(key: key)
        guard computed == root else {
            throw MerkleError(.rootMismatch, "proof leads to \(computed), expected \(root)")
        }
    }

    /// Whether this proof shows `key` holding `valueHash` (or, for `nil`, `key` absent) in the tree
    /// with root `root`.
    public func verify(root: Hash256, key: Hash256, valueHash: Hash256?) -> Bool {
        (try? check(root: root, key: key, valueHash: valueHash)) != nil
    }
}
