import FogCore
import FogCrypto

/// The fixed private seeds the vector generators sign with, so that regenerating the vectors
/// changes nothing but the (possibly randomised) signatures.
enum VectorKeys {
    /// RFC 8032 §7.1 TEST 1 secret key.
    static let ed25519Seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
    /// 0x01, 0x02, … 0x20 (a valid P-256 scalar).
    static let p256Seed = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
    /// 0x00, 0x01, … 0x1f (the ML-DSA-65 ξ seed of FIPS 204).
    static let mldsa65Seed = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

    static func key(_ algorithm: SignatureAlgorithm, seed: String) -> PrivateKey {
        try! PrivateKey(algorithm: algorithm, seed: Hex.decode(seed)!)
    }

    /// A key whose seed is SHA-256 of `label`: for the extra validators and accounts of the object vectors.
    static func labelled(_ algorithm: SignatureAlgorithm, _ label: String) -> PrivateKey {
        try! PrivateKey(algorithm: algorithm, seed: SHA256Hasher.hash(Array("fogledger vector key \(label)".utf8)).bytes)
    }

    static let ed25519 = key(.ed25519, seed: ed25519Seed)
    static let p256 = key(.p256, seed: p256Seed)
    static let mldsa65 = key(.mldsa65, seed: mldsa65Seed)

    static func forAlgorithm(_ algorithm: SignatureAlgorithm) -> PrivateKey {
        switch algorithm {
        case .ed25519: return ed25519
        case .p256: return p256
        case .mldsa65: return mldsa65
        }
    }
}
