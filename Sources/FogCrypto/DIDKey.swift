/// `did:key` identifiers (W3C CCG did:key method) for public keys.
///
/// `did:key:z` followed by base58btc of the multicodec-prefixed key:
/// - Ed25519: `ed25519-pub` (0xed, varint `ed 01`) ‖ 32-byte key;
/// - P-256: `p256-pub` (0x1200, varint `80 24`) ‖ 33-byte SEC 1 compressed point;
/// - ML-DSA-65: `mldsa-65-pub` (0x1211, varint `91 24`) ‖ 1,952-byte key — a draft multicodec entry,
///   so this form may change with the registry.
public enum DIDKey {
    private static let prefix = "did:key:z"
    private static let ed25519Codec: [UInt8] = [0xed, 0x01]
    private static let p256Codec: [UInt8] = [0x80, 0x24]
    private static let mldsa65Codec: [UInt8] = [0x91, 0x24]

    /// The did:key of `key`.
    public static func identifier(for key: PublicKey) -> String {
        let body: [UInt8]
        switch key.algorithm {
        case .ed25519: body = ed25519Codec + key.rawBytes
        case .p256: body = p256Codec + (key.backend.p256Compressed ?? [])
        case .mldsa65: body = mldsa65Codec + key.rawBytes
        }
        return prefix + Base58.encode(body)
    }

    /// The public key a did:key names.
    public static func publicKey(from did: String) throws(CryptoError) -> PublicKey {
        guard did.hasPrefix(prefix) else {
            throw CryptoError(.invalidDID, "expected a did:key with base58btc multibase (\"did:key:z…\")")
        }
        guard let body = Base58.decode(did.dropFirst(prefix.count), maxBytes: 2 + 1952), body.count > 2 else {
            throw CryptoError(.invalidDID, "did:key body is not valid base58btc")
        }
        let codec = Array(body[0..<2])
        let key = Array(body[2...])
        switch codec {
        case ed25519Codec:
            return try PublicKey(algorithm: .ed25519, rawBytes: key)
        case p256Codec:
            guard key.count == 33 else { throw CryptoError(.invalidDID, "P-256 did:key must hold a 33-byte compressed point") }
            return PublicKey(backend: try BackendPublicKey(p256Compressed: key), algorithm: .p256)
        case mldsa65Codec:
            return try PublicKey(algorithm: .mldsa65, rawBytes: key)
        default:
            throw CryptoError(.invalidDID, "did:key multicodec \(codec) is not ed25519-pub, p256-pub or mldsa-65-pub")
        }
    }
}

extension PublicKey {
    /// The key's did:key identifier.
    public var did: String { DIDKey.identifier(for: self) }
}
