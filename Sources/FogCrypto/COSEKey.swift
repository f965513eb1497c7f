public import FogCore

/// Public keys as COSE_Key maps (RFC 9052 §7, RFC 9053 §7, and RFC 9964 for ML-DSA).
///
/// The canonical form, which `encode` writes and from which addresses are derived, carries only what
/// identifies the key:
/// - Ed25519: `{1: 1 (OKP), -1: 6 (Ed25519), -2: x}`
/// - P-256:   `{1: 2 (EC2), -1: 1 (P-256), -2: x, -3: y}` (32-byte coordinates)
/// - ML-DSA-65: `{1: 7 (AKP), 3: -49, -1: pub}`
///
/// `decode` also accepts an `alg` (3) that agrees with the key and a `kid` (2) of at most 64 bytes,
/// as ordinary COSE libraries write them; anything else is rejected.
public enum COSEKey {
    /// Key type OKP (RFC 9053).
    static let keyTypeOKP: Int64 = 1
    /// Key type EC2 (RFC 9053).
    static let keyTypeEC2: Int64 = 2
    /// Key type AKP, "algorithm key pair" (RFC 9964).
    static let keyTypeAKP: Int64 = 7
    /// Curve Ed25519 in the COSE Elliptic Curves registry.
    static let curveEd25519: Int64 = 6
    /// Curve P-256 in the COSE Elliptic Curves registry.
    static let curveP256: Int64 = 1
    /// The longest `kid` accepted in a COSE_Key.
    public static let maxKeyIDBytes = 64

    /// The canonical COSE_Key of `key`, as a CBOR value.
    public static func value(_ key: PublicKey) -> CBORValue {
        switch key.algorithm {
        case .ed25519:
            return .map([
                CBORMapEntry(.int(1), .int(keyTypeOKP)),
                CBORMapEntry(.int(-1), .int(curveEd25519)),
                CBORMapEntry(.int(-2), .bytes(key.rawBytes)),
            ])
        case .p256:
            return .map([
                CBORMapEntry(.int(1), .int(keyTypeEC2)),
                CBORMapEntry(.int(-1), .int(curveP256)),
                CBORMapEntry(.int(-2), .bytes(Array(key.rawBytes[0..<32]))),
                CBORMapEntry(.int(-3), .bytes(Array(key.rawBytes[32..<64]))),
            ])
        case .mldsa65:
            return .map([
                CBORMapEntry(.int(1), .int(keyTypeAKP)),
                CBORMapEntry(.int(3), .int(SignatureAlgorithm.mldsa65.coseAlgorithm)),
                CBORMapEntry(.int(-1), .bytes(key.rawBytes)),
            ])
        }
    }

    /// The canonical COSE_Key of `key`, deterministically encoded.
    public static func encode(_ key: PublicKey) -> [UInt8] {
        value(key).encoded
    }

    /// Decodes an encoded COSE_Key.
    public static func decode(_ bytes: [UInt8]) throws(CryptoError) -> PublicKey {
        let value: CBORValue
        do {
            value = try CBORReader.decode(bytes, limits: .default)
        } catch {
            throw CryptoError(.malformed, "COSE_Key: \(error)")
        }
        return try decode(value)
    }

    /// Reads a public key from a decoded COSE_Key map.
    public static func decode(_ value: CBORValue) throws(CryptoError) -> PublicKey {
        do {
            var fields = try CBORFields(value, object: "COSE_Key")
            let keyType = try fields.int(1, "kty")
            if let kid = fields.optional(2) {
                _ = try CBORFields.bytes(kid, "COSE_Key.kid", length: 0...maxKeyIDBytes)
            }
            let alg = try fields.optional(3).map { (v: CBORValue) throws(CBORError) -> Int64 in
                guard let n = v.int64 else { throw .schema("COSE_Key.alg: expected integer, found \(v.typeName)") }
                return n
            }
            let key: PublicKey
            switch keyType {
            case keyTypeOKP:
                try expectCurve(&fields, curveEd25519, "Ed25519")
                try expectAlgorithm(alg, .ed25519)
                let x = try fields.bytes(-2, "x", length: 32...32)
                key = try PublicKey(algorithm: .ed25519, rawBytes: x)
            case keyTypeEC2:
                try expectCurve(&fields, curveP256, "P-256")
                try expectAlgorithm(alg, .p256)
                let x = try fields.bytes(-2, "x", length: 32...32)
                let y = try fields.bytes(-3, "y", length: 32...32)
                key = try PublicKey(algorithm: .p256, rawBytes: x + y)
            case keyTypeAKP:
                guard alg == SignatureAlgorithm.mldsa65.coseAlgorithm else {
                    throw CryptoError(.unsupportedAlgorithm, "COSE_Key: AKP key with alg \(alg.map(String.init) ?? "missing"); only ML-DSA-65 (-49) is accepted")
                }
                let pub = try fields.bytes(-1, "pub", length: 1952...1952)
                key = try PublicKey(algorithm: .mldsa65, rawBytes: pub)
            default:
                throw CryptoError(.unsupportedAlgorithm, "COSE_Key: key type \(keyType) is not OKP (1), EC2 (2) or AKP (7)")
            }
            try fields.finish()
            return key
        } catch let error as CBORError {
            throw CryptoError(.malformed, error.detail)
        } catch let error as CryptoError {
            throw error
        } catch {
            throw CryptoError(.malformed, "COSE_Key: \(error)")
        }
    }

    private static func expectCurve(_ fields: inout CBORFields, _ curve: Int64, _ name: String) throws {
        let found = try fields.int(-1, "crv")
        guard found == curve else {
            throw CryptoError(.unsupportedAlgorithm, "COSE_Key: curve \(found) is not \(name) (\(curve))")
        }
    }

    private static func expectAlgorithm(_ alg: Int64?, _ algorithm: SignatureAlgorithm) throws(CryptoError) {
        guard let alg else { return }
        guard SignatureAlgorithm(coseAlgorithm: alg) == algorithm else {
            throw CryptoError(.unsupportedAlgorithm, "COSE_Key: alg \(alg) does not match a \(algorithm) key")
        }
    }
}
