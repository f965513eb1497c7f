public import FogCrypto

/// The RFC 9162 (RFC 6962) Merkle tree over an ordered list of leaves: the commitment of a block to
/// its transactions and readings.
///
/// - A leaf's hash is `SHA-256(0x00 || data)`.
/// - An interior node's hash is `SHA-256(0x01 || left || right)`, where a tree of `n > 1` leaves
///   splits into the first `k` leaves and the rest, `k` the largest power of two below `n`.
/// - The empty tree's root is `SHA-256("")`.
///
/// The functions here build roots and proofs from the leaf hashes; ``InclusionProof`` and
/// ``ConsistencyProof`` verify them. See `spec/merkle.md`.
public enum MerkleTree {
    /// The largest tree size a proof may state: 2^63 − 1, so that every path has at most
    /// ``maxPathLength`` hashes and every size fits in an `Int`.
    public static let maxTreeSize: UInt64 = UInt64(Int.max)

    /// The most hashes an inclusion or consistency proof can hold for a tree of at most
    /// ``maxTreeSize`` leaves (inclusion paths have at most 63).
    public static let maxPathLength = 64

    /// The root of the empty tree: `SHA-256("")`
    /// (`e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855`).
    public static let emptyRoot: Hash256 = SHA256Hasher().finalize()

    /// The hash of a leaf holding `data`: `SHA-256(0x00 || data)`.
    public static func leafHash(_ data: [UInt8]) -> Hash256 {
        MerkleHashing.leaf(data)
    }

    /// The hash of an interior node: `SHA-256(0x01 || left || right)`.
    public static func nodeHash(_ left: Hash256, _ right: Hash256) -> Hash256 {
        MerkleHashing.node(left, right)
    }

    /// The root of the tree whose leaves have the hashes `leafHashes`, in order.
    ///
    /// Makes `n − 1` node hashes and keeps no per-node arrays (each hash still allocates its SHA-256
    /// context inside swift-crypto).
    public static func root(leafHashes: [Hash256]) -> Hash256 {
        leafHashes.withUnsafeBufferPointer { root(of: $0[...]) }
    }

    /// The root of the subtree over `leaves` (RFC 9162 `MTH`), computed with a stack of at most
    /// 64 pending subtree roots: a pair of equal-sized subtrees is merged as soon as it exists, and
    /// what remains (subtrees of strictly decreasing sizes) is merged from the right at the end.
    static func root(of leaves: Slice<UnsafeBufferPointer<Hash256>>) -> Hash256 {
        if leaves.isEmpty { return emptyRoot }
        if leaves.count == 1 { return leaves[leaves.startIndex] }
        return withUnsafeTemporaryAllocation(of: Hash256.self, capacity: 64) { stack in
            var top = 0  // number of pending subtree roots
            var count = 0  // leaves consumed so far
            for leaf in leaves {
                var merged = leaf
                count += 1
                var pairs = count
                while pairs & 1 == 0 {  // a complete subtree of twice the size is ready
                    top -= 1
                    merged = MerkleHashing.node(stack[top], merged)
                    pairs >>= 1
                }
                stack.initializeElement(at: top, to: merged)
                top += 1
            }
            var result = stack[top - 1]
            var index = top - 2
            while index >= 0 {
                result = MerkleHashing.node(stack[index], result)
                index -= 1
            }
            return result
        }
    }

    /// The largest power of two strictly below `n` (`n > 1`): where RFC 9162 splits a tree of `n` leaves.
    static func splitPoint(_ n: Int) -> Int {
        precondition(n > 1, "only trees of two or more leaves split")
        return 1 << (Int.bitWidth - 1 - (n - 1).leadingZeroBitCount)
    }
}
