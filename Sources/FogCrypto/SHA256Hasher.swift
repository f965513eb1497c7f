/// Incremental SHA-256 (FIPS 180-4).
///
/// The only way the rest of FogLedger hashes: Merkle trees, ids and block hashes all go through it.
public struct SHA256Hasher: Sendable {
    private var backend: SHA256Backend

    /// Starts a new hash computation.
    public init() {
        backend = SHA256Backend()
    }

    /// Feeds `bytes` into the hash.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { backend.update($0) }
    }

    /// Feeds one byte into the hash (a domain-separation prefix, for instance).
    public mutating func update(byte: UInt8) {
        withUnsafeBytes(of: byte) { backend.update($0) }
    }

    /// Feeds the 32 bytes of `digest` into the hash.
    public mutating func update(_ digest: Hash256) {
        var bigEndian = (digest.words.0.bigEndian, digest.words.1.bigEndian,
                         digest.words.2.bigEndian, digest.words.3.bigEndian)
        withUnsafeBytes(of: &bigEndian) { backend.update($0) }
    }

    /// Feeds raw memory into the hash.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        backend.update(buffer)
    }

    /// Finishes the computation and returns the digest.
    public func finalize() -> Hash256 {
        backend.finalize()
    }

    /// SHA-256 of `bytes` in one call.
    public static func hash(_ bytes: [UInt8]) -> Hash256 {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }
}
