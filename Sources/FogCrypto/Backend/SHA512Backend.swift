import Crypto

/// SHA-512 from swift-crypto, for Ed25519's challenge hash; kept here so only Backend/ imports Crypto.
enum SHA512Backend {
    /// `body` applied to the 64-byte SHA-512 digest of `parts`, concatenated.
    static func withDigest<Result>(of parts: [ArraySlice<UInt8>], _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        var hasher = SHA512()
        for part in parts { part.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
        return hasher.finalize().withUnsafeBytes(body)
    }
}
