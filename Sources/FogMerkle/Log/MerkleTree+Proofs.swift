public import FogCrypto

extension MerkleTree {
    /// The inclusion proof of leaf `index` in the tree over `leafHashes` (RFC 9162 §2.1.3.1, `PATH`).
    ///
    /// Throws ``MerkleError/Code/indexOutOfRange`` when `index` is not a leaf of the tree.
    public static func inclusionProof(index: Int, leafHashes: [Hash256]) throws(MerkleError) -> InclusionProof {
        guard index >= 0, index < leafHashes.count else {
            throw MerkleError(.indexOutOfRange, "leaf \(index) of a tree of \(leafHashes.count)")
        }
        let path = leafHashes.withUnsafeBufferPointer { leaves in
            // Walk from the root down to the leaf, collecting the root of the subtree on the other
            // side of each split; RFC 9162 lists them from the leaf up.
            var path: [Hash256] = []
            var lower = 0
            var upper = leaves.count
            var target = index
            while upper - lower > 1 {
                let split = splitPoint(upper - lower)
                if target < split {
                    path.append(root(of: leaves[(lower + split)..<upper]))
                    upper = lower + split
                } else {
                    path.append(root(of: leaves[lower..<(lower + split)]))
                    lower += split
                    target -= split
                }
            }
            path.reverse()
            return path
        }
        return InclusionProof(
            unchecked: UInt64(index), treeSize: UInt64(leafHashes.count), path: path)
    }

    /// The proof that the tree over the first `oldSize` of `leafHashes` is a prefix of the tree over
    /// all of them (RFC 9162 §2.1.4.1, `PROOF` and `SUBPROOF`).
    ///
    /// The proof is empty when `oldSize` is 0 or equals the number of leaves.
    /// Throws ``MerkleError/Code/sizesOutOfOrder`` when `oldSize` is negative or exceeds the number
    /// of leaves.
    public static func consistencyProof(oldSize: Int, leafHashes: [Hash256]) throws(MerkleError) -> ConsistencyProof {
        guard oldSize >= 0, oldSize <= leafHashes.count else {
            throw MerkleError(.sizesOutOfOrder, "old size \(oldSize), new size \(leafHashes.count)")
        }
        let newSize = leafHashes.count
        guard oldSize > 0, oldSize < newSize else {
            return ConsistencyProof(unchecked: UInt64(oldSize), newSize: UInt64(newSize), path: [])
        }
        let path = leafHashes.withUnsafeBufferPointer { leaves in
            // SUBPROOF(m, D[lower:upper], wholeOldTree), unrolled: each step appends the root of
            // the subtree it does not descend into; RFC 9162 lists them deepest first.
            var path: [Hash256] = []
            var lower = 0
            var upper = newSize
            var remaining = oldSize
            var wholeOldTree = true
            while remaining != upper - lower {
                let split = splitPoint(upper - lower)
                if remaining <= split {
                    path.append(root(of: leaves[(lower + split)..<upper]))
                    upper = lower + split
                } else {
                    path.append(root(of: leaves[lower..<(lower + split)]))
                    lower += split
                    remaining -= split
                    wholeOldTree = false
                }
            }
            if !wholeOldTree {
                path.append(root(of: leaves[lower..<upper]))
            }
            path.reverse()
            return path
        }
        return ConsistencyProof(unchecked: UInt64(oldSize), newSize: UInt64(newSize), path: path)
    }
}
