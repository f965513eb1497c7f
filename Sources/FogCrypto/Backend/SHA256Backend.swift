import Crypto

/// SHA-256 from swift-crypto; kept behind `SHA256Hasher` so only Backend/ imports Crypto.
struct SHA256Backend: Sendable {
    private var state = SHA256()

    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        state.update(bufferPointer: buffer)
    }

    func finalize() -> Hash256 {
        let digest = state.finalize()
        return digest.withUnsafeBytes { raw in
            func word(_ offset: Int) -> UInt64 {
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            }
            return Hash256(words: (word(0), word(8), word(16), word(24)))
        }
    }
}
