import FogCrypto
import FogTestKit

/// Straight-from-the-definition versions of both trees, to cross-check the real ones: recursive,
/// allocating, and hashing through byte arrays rather than the production helpers.
enum ReferenceMerkle {
    static func leafHash(_ data: [UInt8]) -> Hash256 {
        SHA256Hasher.hash([0x00] + data)
    }

    static func nodeHash(_ left: Hash256, _ right: Hash256) -> Hash256 {
        SHA256Hasher.hash([0x01] + left.bytes + right.bytes)
    }

    /// The largest power of two strictly below `n`.
    static func split(_ n: Int) -> Int {
        var k = 1
        while k * 2 < n { k *= 2 }
        return k
    }

    /// RFC 9162 MTH.
    static func root(_ leaves: ArraySlice<Hash256>) -> Hash256 {
        switch leaves.count {
        case 0: return SHA256Hasher.hash([])
        case 1: return leaves[leaves.startIndex]
        default:
            let k = split(leaves.count)
            let middle = leaves.startIndex + k
            return nodeHash(root(leaves[..<middle]), root(leaves[middle...]))
        }
    }

    /// RFC 9162 PATH(m, D[n]).
    static func path(_ m: Int, _ leaves: ArraySlice<Hash256>) -> [Hash256] {
        guard leaves.count > 1 else { return [] }
        let k = split(leaves.count)
        let middle = leaves.startIndex + k
        if m < k {
            return path(m, leaves[..<middle]) + [root(leaves[middle...])]
        }
        return path(m - k, leaves[middle...]) + [root(leaves[..<middle])]
    }

    /// RFC 9162 PROOF(m, D[n]) for 0 < m ≤ n.
    static func consistency(_ m: Int, _ leaves: ArraySlice<Hash256>) -> [Hash256] {
        subproof(m, leaves, true)
    }

    /// RFC 9162 SUBPROOF(m, D[n], b).
    static func subproof(_ m: Int, _ leaves: ArraySlice<Hash256>, _ b: Bool) -> [Hash256] {
        if m == leaves.count { return b ? [] : [root(leaves)] }
        let k = split(leaves.count)
        let middle = leaves.startIndex + k
        if m <= k {
            return subproof(m, leaves[..<middle], b) + [root(leaves[middle...])]
        }
        return subproof(m - k, leaves[middle...], false) + [root(leaves[..<middle])]
    }

    /// The sparse tree's R(S, d) over pairs sorted by key with distinct keys.
    static func sparseRoot(_ pairs: ArraySlice<(key: Hash256, value: Hash256)>, depth: Int = 0) -> Hash256 {
        switch pairs.count {
        case 0: return Hash256.zero
        case 1:
            let pair = pairs[pairs.startIndex]
            return SHA256Hasher.hash([0x00] + pair.key.bytes + pair.value.bytes)
        default:
            let zeros = pairs.filter { !$0.key.bit(depth) }
            let ones = pairs.filter { $0.key.bit(depth) }
            return nodeHash(sparseRoot(zeros[...], depth: depth + 1), sparseRoot(ones[...], depth: depth + 1))
        }
    }

    /// The sparse root of a key → value map (sorted here, so dictionary order never matters).
    static func sparseRoot(_ map: [Hash256: Hash256]) -> Hash256 {
        let pairs = map.map { (key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
        return sparseRoot(pairs[...])
    }
}

extension SeededGenerator {
    /// A random 256-bit value.
    mutating func hash() -> Hash256 {
        Hash256(words: (next(), next(), next(), next()))
    }
}

extension Hash256 {
    /// This hash with bit `index` (0 = most significant bit of byte 0) flipped.
    func flipping(bit index: Int) -> Hash256 {
        var bytes = self.bytes
        bytes[index / 8] ^= 0x80 >> UInt8(index % 8)
        return Hash256(bytes: bytes)!
    }
}
