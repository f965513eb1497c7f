import Crypto

/// SHA-512 from swift-crypto, for Ed25519's challenges and batch weights; kept here so only
/// Backend/ imports Crypto.
struct SHA512Backend {
    private var state = SHA512()

    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        state.update(bufferPointer: buffer)
    }

    mutating func update(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// `body` applied to the 64-byte digest.
    func withDigest<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        state.finalize().withUnsafeBytes(body)
    }
}
