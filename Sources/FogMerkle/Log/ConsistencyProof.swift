public import FogCrypto

/// A proof that an RFC 9162 tree of `oldSize` leaves is a prefix of a tree of `newSize` leaves:
/// the log only grew (RFC 9162 §2.1.4).
///
/// A value of this type is always well-formed: `oldSize ≤ newSize ≤` ``MerkleTree/maxTreeSize``,
/// and the path exactly as long as the sizes require (empty when `oldSize` is 0 or equals `newSize`;
/// at most ``MerkleTree/maxPathLength`` hashes). Whether it proves anything is for
/// ``verify(oldRoot:newRoot:)``.
public struct ConsistencyProof: Hashable, Sendable {
    /// The size of the older tree.
    public let oldSize: UInt64
    /// The size of the newer tree.
    public let newSize: UInt64
    /// The subtree roots of RFC 9162 `PROOF(oldSize, D[newSize])`, deepest first.
    public let path: [Hash256]

    /// Creates a proof from untrusted parts, checking its shape.
    ///
    /// Throws ``MerkleError/Code/treeSizeTooLarge``, ``MerkleError/Code/sizesOutOfOrder`` or
    /// ``MerkleError/Code/wrongPathLength``.
    public init(oldSize: UInt64, newSize: UInt64, path: [Hash256]) throws(MerkleError) {
        guard newSize <= MerkleTree.maxTreeSize else {
            throw MerkleError(.treeSizeTooLarge, "tree size \(newSize)")
        }
        guard oldSize <= newSize else {
            throw MerkleError(.sizesOutOfOrder, "old size \(oldSize), new size \(newSize)")
        }
        let expected = Self.pathLength(oldSize: oldSize, newSize: newSize)
        guard path.count == expected else {
            throw MerkleError(
                .wrongPathLength,
                "\(path.count) hashes from size \(oldSize) to \(newSize), expected \(expected)")
        }
        self.init(unchecked: oldSize, newSize: newSize, path: path)
    }

    /// Creates a proof this module has just generated.
    init(unchecked oldSize: UInt64, newSize: UInt64, path: [Hash256]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.path = path
    }

    /// The number of hashes in the consistency path from `oldSize` to `newSize` (`oldSize ≤ newSize`):
    /// the number of values the verification algorithm consumes, found by running its index
    /// arithmetic without hashing.
    static func pathLength(oldSize: UInt64, newSize: UInt64) -> Int {
        guard oldSize > 0, oldSize < newSize else { return 0 }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var count = oldSize.nonzeroBitCount == 1 ? 0 : 1  // the seed, unless it is the old root
        while sn != 0 {
            if fn & 1 == 1 || fn == sn {
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            }
            fn >>= 1
            sn >>= 1
            count += 1
        }
        return count
    }

    /// Checks that this proof shows the tree with root `oldRoot` (of `oldSize` leaves) to be a prefix
    /// of the tree with root `newRoot` (of `newSize` leaves); throws ``MerkleError`` saying why not.
    ///
    /// RFC 9162 §2.1.4.2 for `0 < oldSize < newSize`. When the sizes are equal the path must be
    /// empty and the roots equal; when `oldSize` is 0 the path must be empty and `oldRoot` must be
    /// ``MerkleTree/emptyRoot`` (every tree extends the empty one).
    public func check(oldRoot: Hash256, newRoot: Hash256) throws(MerkleError) {
        guard oldSize <= newSize else {
            throw MerkleError(.sizesOutOfOrder, "old size \(oldSize), new size \(newSize)")
        }
        if oldSize == 0 || oldSize == newSize {
            guard path.isEmpty else {
                throw MerkleError(.wrongPathLength, "\(path.count) hashes where none are expected")
            }
            let expected = oldSize == 0 ? MerkleTree.emptyRoot : newRoot
            guard oldRoot == expected else {
                throw MerkleError(.rootMismatch, "old root \(oldRoot), expected \(expected)")
            }
            return
        }
        // Step 1: a proof between different non-zero sizes is never empty.
        guard !path.isEmpty else {
            throw MerkleError(.wrongPathLength, "empty proof from size \(oldSize) to \(newSize)")
        }
        // Step 2: an old tree of a power-of-two size is a subtree of the new one; its root starts
        // the path instead of being sent in it.
        var remaining = path[...]
        let seed: Hash256
        if oldSize.nonzeroBitCount == 1 {
            seed = oldRoot
        } else {
            seed = remaining.removeFirst()
        }
        // Steps 3–5.
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = seed
        var sr = seed
        // Step 6.
        for c in remaining {
            guard sn != 0 else {
                throw MerkleError(.wrongPathLength, "more hashes than the trees have levels")
            }
            if fn & 1 == 1 || fn == sn {
                fr = MerkleHashing.node(c, fr)
                sr = MerkleHashing.node(c, sr)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                sr = MerkleHashing.node(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        // Step 7.
        guard sn == 0 else {
            throw MerkleError(.wrongPathLength, "fewer hashes than the trees have levels")
        }
        guard fr == oldRoot else {
            throw MerkleError(.rootMismatch, "proof leads to old root \(fr), expected \(oldRoot)")
        }
        guard sr == newRoot else {
            throw MerkleError(.rootMismatch, "proof leads to new root \(sr), expected \(newRoot)")
        }
    }

    /// Whether this proof shows the tree with root `oldRoot` to be a prefix of the tree with root
    /// `newRoot`.
    public func verify(oldRoot: Hash256, newRoot: Hash256) -> Bool {
        (try? check(oldRoot: oldRoot, newRoot: newRoot)) != nil
    }
}
