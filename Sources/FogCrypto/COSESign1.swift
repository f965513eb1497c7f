public import FogCore

/// A COSE_Sign1 message (RFC 9052 §4.2): one signer, payload attached, always tagged (18).
///
/// FogLedger's form, which `init(decoding:)` enforces:
/// `18([protected: bstr .cbor {1: alg}, unprotected: {? 4: kid}, payload: bstr, signature: bstr])`.
/// The protected header holds exactly the algorithm; the unprotected header is empty or holds a `kid`
/// of at most 64 bytes; external AAD is always empty (FogLedger puts its domain separation — object
/// type and chain id — inside the payload, where every COSE library can sign it).
public struct COSESign1: Hashable, Sendable {
    /// The CBOR tag of COSE_Sign1.
    public static let tag: UInt64 = 18
    /// The longest `kid` accepted.
    public static let maxKeyIDBytes = 64

    /// The signature algorithm named in the protected header.
    public let algorithm: SignatureAlgorithm
    /// The protected header exactly as signed (the contents of the first byte string).
    public let protectedHeader: [UInt8]
    /// The key identifier in the unprotected header, if any.
    public let keyID: [UInt8]?
    /// The payload bytes.
    public let payload: [UInt8]
    /// The signature bytes.
    public let signature: [UInt8]

    /// Signs `payload` with `key`.
    public static func sign(payload: [UInt8], with key: PrivateKey, keyID: [UInt8]? = nil) throws(CryptoError) -> COSESign1 {
        if let keyID, keyID.count > maxKeyIDBytes {
            throw CryptoError(.malformed, "kid of \(keyID.count) bytes exceeds \(maxKeyIDBytes)")
        }
        let protectedHeader = protectedHeader(for: key.algorithm)
        let signature = try key.signature(for: toBeSigned(protectedHeader: protectedHeader, payload: payload))
        return COSESign1(algorithm: key.algorithm, protectedHeader: protectedHeader, keyID: keyID,
                         payload: payload, signature: signature)
    }

    private init(algorithm: SignatureAlgorithm, protectedHeader: [UInt8], keyID: [UInt8]?,
                 payload: [UInt8], signature: [UInt8]) {
        self.algorithm = algorithm
        self.protectedHeader = protectedHeader
        self.keyID = keyID
        self.payload = payload
        self.signature = signature
    }

    /// The encoded protected header FogLedger writes for `algorithm`: `{1: alg}`.
    public static func protectedHeader(for algorithm: SignatureAlgorithm) -> [UInt8] {
        var writer = CBORWriter(capacity: 4)
        writer.writeMapHeader(count: 1)
        writer.writeUnsigned(1)
        writer.writeInt(algorithm.coseAlgorithm)
        return writer.bytes
    }

    /// The bytes a signer signs: the Sig_structure `["Signature1", protected, h'', payload]`.
    public static func toBeSigned(protectedHeader: [UInt8], payload: [UInt8]) -> [UInt8] {
        var writer = CBORWriter(capacity: payload.count + protectedHeader.count + 16)
        writer.writeArrayHeader(count: 4)
        writer.writeText("Signature1")
        writer.writeBytes(protectedHeader)
        writer.writeBytes([])
        writer.writeBytes(payload)
        return writer.bytes
    }

    /// Checks the signature with `key`; throws when the key's algorithm differs from the header's
    /// or the signature does not verify.
    public func verify(with key: PublicKey) throws(CryptoError) {
        guard key.algorithm == algorithm else {
            throw CryptoError(.badSignature, "signed with \(algorithm) but the key is \(key.algorithm)")
        }
        guard key.isValidSignature(signature, for: Self.toBeSigned(protectedHeader: protectedHeader, payload: payload)) else {
            throw CryptoError(.badSignature, "\(algorithm) signature does not verify")
        }
    }

    /// Whether the signature verifies with `key`.
    public func isValid(with key: PublicKey) -> Bool {
        (try? verify(with: key)) != nil
    }

    /// The tagged COSE_Sign1, deterministically encoded.
    public var encoded: [UInt8] {
        var writer = CBORWriter(capacity: payload.count + signature.count + 32)
        writer.writeTag(Self.tag)
        writer.writeArrayHeader(count: 4)
        writer.writeBytes(protectedHeader)
        if let keyID {
            writer.writeMapHeader(count: 1)
            writer.writeUnsigned(4)
            writer.writeBytes(keyID)
        } else {
            writer.writeMapHeader(count: 0)
        }
        writer.writeBytes(payload)
        writer.writeBytes(signature)
        return writer.bytes
    }

    /// Decodes a tagged COSE_Sign1 from untrusted bytes.
    public init(decoding bytes: [UInt8], limits: CBORLimits = .default) throws(CryptoError) {
        let value: CBORValue
        do {
            value = try CBORReader.decode(bytes, limits: limits)
        } catch {
            throw CryptoError(.malformed, "COSE_Sign1: \(error)")
        }
        try self.init(value: value)
    }

    /// Reads a COSE_Sign1 from a decoded CBOR value.
    public init(value: CBORValue) throws(CryptoError) {
        guard case .tagged(Self.tag, let inner) = value else {
            throw CryptoError(.malformed, "COSE_Sign1: expected tag 18, found \(value.typeName)")
        }
        guard case .array(let parts) = inner, parts.count == 4 else {
            throw CryptoError(.malformed, "COSE_Sign1: expected an array of 4 items")
        }
        guard case .bytes(let protectedHeader) = parts[0] else {
            throw CryptoError(.malformed, "COSE_Sign1: protected header must be a byte string")
        }
        let algorithm = try Self.readProtectedHeader(protectedHeader)
        let keyID = try Self.readUnprotectedHeader(parts[1])
        guard case .bytes(let payload) = parts[2] else {
            throw CryptoError(.malformed, "COSE_Sign1: payload must be an attached byte string")
        }
        guard case .bytes(let signature) = parts[3] else {
            throw CryptoError(.malformed, "COSE_Sign1: signature must be a byte string")
        }
        guard signature.count == algorithm.signatureByteCount else {
            throw CryptoError(.malformed,
                              "COSE_Sign1: \(algorithm) signature must be \(algorithm.signatureByteCount) bytes, found \(signature.count)")
        }
        self.init(algorithm: algorithm, protectedHeader: protectedHeader, keyID: keyID,
                  payload: payload, signature: signature)
    }

    private static func readProtectedHeader(_ bytes: [UInt8]) throws(CryptoError) -> SignatureAlgorithm {
        let header: CBORValue
        do {
            header = try CBORReader.decode(bytes, limits: .default)
        } catch {
            throw CryptoError(.malformed, "COSE_Sign1 protected header: \(error)")
        }
        guard case .map(let entries) = header, entries.count == 1, entries[0].key == .unsigned(1) else {
            throw CryptoError(.malformed, "COSE_Sign1: protected header must be exactly {1: alg}")
        }
        guard let alg = entries[0].value.int64 else {
            throw CryptoError(.malformed, "COSE_Sign1: alg must be an integer")
        }
        guard let algorithm = SignatureAlgorithm(coseAlgorithm: alg) else {
            throw CryptoError(.unsupportedAlgorithm, "COSE_Sign1: alg \(alg) is not EdDSA (-8), ES256 (-7) or ML-DSA-65 (-49)")
        }
        return algorithm
    }

    private static func readUnprotectedHeader(_ value: CBORValue) throws(CryptoError) -> [UInt8]? {
        guard case .map(let entries) = value else {
            throw CryptoError(.malformed, "COSE_Sign1: unprotected header must be a map")
        }
        if entries.isEmpty { return nil }
        guard entries.count == 1, entries[0].key == .unsigned(4), case .bytes(let kid) = entries[0].value,
              kid.count <= maxKeyIDBytes
        else {
            throw CryptoError(.malformed, "COSE_Sign1: unprotected header may hold only a kid (4) of at most \(maxKeyIDBytes) bytes")
        }
        return kid
    }
}
