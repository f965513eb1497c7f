/// The signature algorithms FogLedger accepts, with their COSE identifiers.
public enum SignatureAlgorithm: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Ed25519 (PureEdDSA, RFC 8032); COSE alg -8 "EdDSA" (RFC 9053). The default.
    case ed25519
    /// ECDSA over P-256 with SHA-256; COSE alg -7 "ES256" (RFC 9053). What device secure elements sign with.
    case p256
    /// ML-DSA-65 (FIPS 204), pure mode with an empty context; COSE alg -49 (RFC 9964, formerly
    /// draft-ietf-cose-dilithium). Quantum-safe, with large keys (1,952 bytes) and signatures (3,309 bytes).
    case mldsa65

    /// The COSE algorithm identifier FogLedger writes.
    public var coseAlgorithm: Int64 {
        switch self {
        case .ed25519: return -8
        case .p256: return -7
        case .mldsa65: return -49
        }
    }

    /// The algorithm for a COSE identifier: -8 (EdDSA) or -19 (Ed25519, RFC 9864), -7 (ES256), -49 (ML-DSA-65).
    public init?(coseAlgorithm: Int64) {
        switch coseAlgorithm {
        case -8, -19: self = .ed25519
        case -7: self = .p256
        case -49: self = .mldsa65
        default: return nil
        }
    }

    /// Bytes in a raw public key: 32 (Ed25519), 64 (P-256 x ‖ y), 1,952 (ML-DSA-65).
    public var publicKeyByteCount: Int {
        switch self {
        case .ed25519: return 32
        case .p256: return 64
        case .mldsa65: return 1952
        }
    }

    /// Bytes in a signature: 64 (Ed25519), 64 (P-256 r ‖ s), 3,309 (ML-DSA-65).
    public var signatureByteCount: Int {
        switch self {
        case .ed25519, .p256: return 64
        case .mldsa65: return 3309
        }
    }

    /// Bytes in a private key's seed, the secret a key file holds: 32 for every algorithm.
    public var seedByteCount: Int { 32 }

    public var description: String { rawValue }
}
