public import FogCrypto

/// A proof that a leaf is at a given index of an RFC 9162 tree of a given size (RFC 9162 §2.1.3).
///
/// A value of this type is always well-formed: the index is below the size, the size at most
/// ``MerkleTree/maxTreeSize``, and the path exactly as long as that index and size require (so at
/// most ``MerkleTree/maxPathLength`` hashes). Whether it proves anything is for ``verify(leafHash:root:)``.
public struct InclusionProof: Hashable, Sendable {
    /// The index of the leaf, from 0.
    public let leafIndex: UInt64
    /// The number of leaves in the tree.
    public let treeSize: UInt64
    /// The roots of the sibling subtrees along the leaf's path, from the leaf up (RFC 9162 `PATH`).
    public let path: [Hash256]

    /// Creates a proof from untrusted parts, checking its shape.
    ///
    /// Throws ``MerkleError/Code/treeSizeTooLarge``, ``MerkleError/Code/indexOutOfRange`` or
    /// ``MerkleError/Code/wrongPathLength``.
    public init(leafIndex: UInt64, treeSize: UInt64, path: [Hash256]) throws(MerkleError) {
        guard treeSize <= MerkleTree.maxTreeSize else {
            throw MerkleError(.treeSizeTooLarge, "tree size \(treeSize)")
        }
        guard leafIndex < treeSize else {
            throw MerkleError(.indexOutOfRange, "leaf \(leafIndex) of a tree of \(treeSize)")
        }
        let expected = Self.pathLength(leafIndex: leafIndex, treeSize: treeSize)
        guard path.count == expected else {
            throw MerkleError(
                .wrongPathLength,
                "\(path.count) hashes for leaf \(leafIndex) of \(treeSize), expected \(expected)")
        }
        self.init(unchecked: leafIndex, treeSize: treeSize, path: path)
    }

    /// Creates a proof this module has just generated.
    init(unchecked leafIndex: UInt64, treeSize: UInt64, path: [Hash256]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.path = path
    }

    /// The number of hashes in the inclusion path of leaf `leafIndex < treeSize`: one per level
    /// below the point where the leaf's path and the last leaf's path part (`inner`), plus one per
    /// left sibling on the rightmost part above it (`border`).
    static func pathLength(leafIndex: UInt64, treeSize: UInt64) -> Int {
        let inner = UInt64.bitWidth - (leafIndex ^ (treeSize - 1)).leadingZeroBitCount
        let border = (leafIndex >> UInt64(inner)).nonzeroBitCount
        return inner + border
    }

    /// The root that this proof and the leaf hash lead to (RFC 9162 §2.1.3.2, steps 1–4).
    public func computeRoot(leafHash: Hash256) throws(MerkleError) -> Hash256 {
        guard leafIndex < treeSize else {
            throw MerkleError(.indexOutOfRange, "leaf \(leafIndex) of a tree of \(treeSize)")
        }
        var fn = leafIndex
        var sn = treeSize - 1
        var r = leafHash
        for p in path {
            guard sn != 0 else {
                throw MerkleError(.wrongPathLength, "more hashes than the tree has levels")
            }
            if fn & 1 == 1 || fn == sn {
                r = MerkleHashing.node(p, r)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                r = MerkleHashing.node(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw MerkleError(.wrongPathLength, "fewer hashes than the tree has levels")
        }
        return r
    }

    /// Checks that this proof shows the leaf with hash `leafHash` in the tree with root `root`;
    /// throws ``MerkleError`` saying why not.
    public func check(leafHash: Hash256, root: Hash256) throws(MerkleError) {
        let computed = try computeRoot(leafHash: leafHash)
        guard computed == root else {
            throw MerkleError(.rootMismatch, "proof leads to \(computed), expected \(root)")
        }
    }

    /// Whether this proof shows the leaf with hash `leafHash` in the tree with root `root`.
    public func verify(leafHash: Hash256, root: Hash256) -> Bool {
        (try? check(leafHash: leafHash, root: root)) != nil
    }
}
