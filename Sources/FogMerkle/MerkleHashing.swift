import FogCrypto

/// The three hash functions of both trees, with their domain-separation prefixes.
///
/// Leaves are hashed as `SHA-256(0x00 || …)` and interior nodes as `SHA-256(0x01 || left || right)`,
/// so no leaf can be passed off as an interior node or the other way round (RFC 9162 §2.1.1).
enum MerkleHashing {
    /// The prefix byte of every leaf hash.
    static let leafPrefix: UInt8 = 0x00
    /// The prefix byte of every interior-node hash.
    static let nodePrefix: UInt8 = 0x01

    /// `SHA-256(0x00 || data)`.
    static func leaf(_ data: [UInt8]) -> Hash256 {
        var hasher = SHA256Hasher()
        hasher.update(byte: leafPrefix)
        hasher.update(data)
        return hasher.finalize()
    }

    /// `SHA-256(prefix || first || second)`, fed to SHA-256 as two updates and no heap allocation.
    @inline(__always)
    static func pair(_ prefix: UInt8, _ first: Hash256, _ second: Hash256) -> Hash256 {
        var hasher = SHA256Hasher()
        hasher.update(byte: prefix)
        let block = (
            first.words.0.bigEndian, first.words.1.bigEndian, first.words.2.bigEndian, first.words.3.bigEndian,
            second.words.0.bigEndian, second.words.1.bigEndian, second.words.2.bigEndian, second.words.3.bigEndian
        )
        withUnsafeBytes(of: block) { hasher.update($0) }
        return hasher.finalize()
    }

    /// `SHA-256(0x01 || left || right)`.
    @inline(__always)
    static func node(_ left: Hash256, _ right: Hash256) -> Hash256 {
        pair(nodePrefix, left, right)
    }

    /// `SHA-256(0x00 || key || valueHash)`: a leaf of the sparse Merkle tree.
    @inline(__always)
    static func sparseLeaf(key: Hash256, valueHash: Hash256) -> Hash256 {
        pair(leafPrefix, key, valueHash)
    }
}
