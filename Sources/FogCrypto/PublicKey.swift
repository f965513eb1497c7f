import FogCore

/// A public signature key of a device, account or validator.
///
/// Equality and hashing use the algorithm and raw key bytes; the parsed backend key is kept so that
/// verifying many signatures with one key parses it once.
public struct PublicKey: Hashable, Sendable, CustomStringConvertible {
    /// The signature algorithm.
    public let algorithm: SignatureAlgorithm
    /// The raw key: 32 bytes (Ed25519), 64 bytes x ‖ y (P-256), 1,952 bytes (ML-DSA-65).
    public let rawBytes: [UInt8]
    let backend: BackendPublicKey

    /// Parses a raw public key, rejecting bytes that are not a valid key (wrong length, a P-256 point
    /// off the curve, …).
    public init(algorithm: SignatureAlgorithm, rawBytes: [UInt8]) throws(CryptoError) {
        guard rawBytes.count == algorithm.publicKeyByteCount else {
            throw CryptoError(.invalidKey,
                              "\(algorithm) public key must be \(algorithm.publicKeyByteCount) bytes, found \(rawBytes.count)")
        }
        self.algorithm = algorithm
        self.backend = try BackendPublicKey(algorithm: algorithm, rawBytes: rawBytes)
        self.rawBytes = backend.rawBytes
    }

    init(backend: BackendPublicKey, algorithm: SignatureAlgorithm) {
        self.algorithm = algorithm
        self.backend = backend
        self.rawBytes = backend.rawBytes
    }

    /// Whether `signature` is a valid signature by this key over `message`.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == algorithm.signatureByteCount else { return false }
        // Ed25519 signatures are checked by FogLedger's rule itself (``Ed25519Verifier``, cofactored):
        // it accepts every signature BoringSSL's cofactorless check accepts, and a few more (R or
        // the key with a small-order component), and alone it takes about 40 µs to BoringSSL's 55–70
        // (docs/benchmarks.md, "Round 6" and "Round 9").
        if algorithm == .ed25519 {
            return Ed25519Verifier.isValid(.init(publicKey: rawBytes, signature: signature, message: message))
        }
        return backend.isValidSignature(signature, for: message)
    }

    /// Whether swift-crypto (BoringSSL) alone accepts `signature` over `message` — for Ed25519 its
    /// cofactorless check, which refuses a few signatures the ledger's rule accepts. Not the ledger's
    /// rule (``isValidSignature(_:for:)`` is): the reference the benchmarks measure one core's
    /// verification rate with, so that it does not move with FogLedger's own verifier.
    public func isAcceptedByBoringSSL(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        signature.count == algorithm.signatureByteCount && backend.isValidSignature(signature, for: message)
    }

    /// The ledger address derived from this key (see `Address`).
    public var address: Address { Address(publicKey: self) }

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool {
        lhs.algorithm == rhs.algorithm && lhs.rawBytes == rhs.rawBytes
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(algorithm)
        hasher.combine(rawBytes)
    }

    public var description: String { "\(algorithm):\(Hex.encode(rawBytes.prefix(8)))…" }
}
