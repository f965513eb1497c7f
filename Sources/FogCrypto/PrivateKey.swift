/// A private signature key.
///
/// Every algorithm's key is fully determined by a 32-byte seed (Ed25519 private scalar seed, P-256
/// private scalar, ML-DSA-65 ξ seed of FIPS 204), which is what key files store.
public struct PrivateKey: Sendable {
    /// The signature algorithm.
    public let algorithm: SignatureAlgorithm
    /// The public half.
    public let publicKey: PublicKey
    private let backend: BackendPrivateKey

    /// Recreates a key from its 32-byte seed.
    public init(algorithm: SignatureAlgorithm, seed: [UInt8]) throws(CryptoError) {
        guard seed.count == algorithm.seedByteCount else {
            throw CryptoError(.invalidKey, "\(algorithm) seed must be \(algorithm.seedByteCount) bytes, found \(seed.count)")
        }
        self.algorithm = algorithm
        self.backend = try BackendPrivateKey(algorithm: algorithm, seed: seed)
        self.publicKey = PublicKey(backend: backend.publicKey, algorithm: algorithm)
    }

    /// Generates a new key from the random bytes of `generator`.
    ///
    /// Pass the system's cryptographically secure generator for real keys (the CLI does), and a
    /// seeded one only in simulations and tests, where reproducible keys are the point.
    public static func generate(
        _ algorithm: SignatureAlgorithm, using generator: inout some RandomNumberGenerator
    ) -> PrivateKey {
        while true {
            var seed: [UInt8] = []
            seed.reserveCapacity(algorithm.seedByteCount)
            while seed.count < algorithm.seedByteCount {
                let word = generator.next()
                for shift in stride(from: 0, to: 64, by: 8) where seed.count < algorithm.seedByteCount {
                    seed.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
                }
            }
            // A P-256 seed must be a scalar in [1, n-1]; the chance of drawing another is about 2⁻³².
            if let key = try? PrivateKey(algorithm: algorithm, seed: seed) {
                return key
            }
        }
    }

    /// The 32-byte seed; secret.
    public var seed: [UInt8] { backend.seed }

    /// Signs `message`: PureEdDSA, ECDSA P-256 with SHA-256 (raw r ‖ s), or ML-DSA-65 with an empty context.
    public func signature(for message: [UInt8]) throws(CryptoError) -> [UInt8] {
        try backend.signature(for: message)
    }
}
