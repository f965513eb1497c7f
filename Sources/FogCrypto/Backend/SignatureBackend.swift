import Crypto
import Foundation

/// A private key held by swift-crypto; the only place FogLedger touches its signing APIs.
enum BackendPrivateKey: Sendable {
    case ed25519(Curve25519.Signing.PrivateKey)
    case p256(P256.Signing.PrivateKey)
    case mldsa65(MLDSA65.PrivateKey)

    init(algorithm: SignatureAlgorithm, seed: [UInt8]) throws(CryptoError) {
        do {
            switch algorithm {
            case .ed25519: self = .ed25519(try Curve25519.Signing.PrivateKey(rawRepresentation: seed))
            case .p256: self = .p256(try P256.Signing.PrivateKey(rawRepresentation: seed))
            case .mldsa65: self = .mldsa65(try MLDSA65.PrivateKey(seedRepresentation: seed, publicKey: nil))
            }
        } catch {
            throw CryptoError(.invalidKey, "\(algorithm) private key seed rejected: \(error)")
        }
    }

    var seed: [UInt8] {
        switch self {
        case .ed25519(let key): return Array(key.rawRepresentation)
        case .p256(let key): return Array(key.rawRepresentation)
        case .mldsa65(let key): return Array(key.seedRepresentation)
        }
    }

    var publicKey: BackendPublicKey {
        switch self {
        case .ed25519(let key): return .ed25519(key.publicKey)
        case .p256(let key): return .p256(key.publicKey)
        case .mldsa65(let key): return .mldsa65(key.publicKey)
        }
    }

    func signature(for message: [UInt8]) throws(CryptoError) -> [UInt8] {
        do {
            switch self {
            case .ed25519(let key): return Array(try key.signature(for: message))
            case .p256(let key): return Array(try key.signature(for: message).rawRepresentation)
            case .mldsa65(let key): return Array(try key.signature(for: message))
            }
        } catch {
            throw CryptoError(.signingFailed, "\(error)")
        }
    }
}

/// A public key held by swift-crypto, parsed once and reused for every verification.
enum BackendPublicKey: Sendable {
    case ed25519(Curve25519.Signing.PublicKey)
    case p256(P256.Signing.PublicKey)
    case mldsa65(MLDSA65.PublicKey)

    init(algorithm: SignatureAlgorithm, rawBytes: [UInt8]) throws(CryptoError) {
        do {
            switch algorithm {
            case .ed25519: self = .ed25519(try Curve25519.Signing.PublicKey(rawRepresentation: rawBytes))
            case .p256: self = .p256(try P256.Signing.PublicKey(rawRepresentation: rawBytes))
            case .mldsa65: self = .mldsa65(try MLDSA65.PublicKey(rawRepresentation: rawBytes))
            }
        } catch {
            throw CryptoError(.invalidKey, "\(algorithm) public key rejected: \(error)")
        }
    }

    /// A P-256 key from its 33-byte SEC 1 compressed form.
    init(p256Compressed bytes: [UInt8]) throws(CryptoError) {
        do {
            self = .p256(try P256.Signing.PublicKey(compressedRepresentation: bytes))
        } catch {
            throw CryptoError(.invalidKey, "P-256 compressed point rejected: \(error)")
        }
    }

    var rawBytes: [UInt8] {
        switch self {
        case .ed25519(let key): return Array(key.rawRepresentation)
        case .p256(let key): return Array(key.rawRepresentation)
        case .mldsa65(let key): return Array(key.rawRepresentation)
        }
    }

    /// The 33-byte SEC 1 compressed point of a P-256 key; `nil` for other algorithms.
    var p256Compressed: [UInt8]? {
        if case .p256(let key) = self { return Array(key.compressedRepresentation) }
        return nil
    }

    func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        switch self {
        case .ed25519(let key):
            return key.isValidSignature(signature, for: message)
        case .p256(let key):
            guard let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: message)
        case .mldsa65(let key):
            return key.isValidSignature(signature, for: message)
        }
    }
}
