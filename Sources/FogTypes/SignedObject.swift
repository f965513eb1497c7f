public import FogCore
public import FogCrypto

/// An object that travels inside a COSE_Sign1: readings, batches, transactions, proposals, votes.
///
/// Its encoding is the COSE payload. Key 0 (type tag) and key 1 (chain id) are both inside what is
/// signed, so a signature is bound to one kind of object on one chain.
public protocol SignedObject: CanonicalObject {
    /// The chain the object belongs to (key 1).
    var chainID: ChainID { get }
    /// The address whose key must have signed the object.
    var signer: Address { get }
}

/// A signed object together with its COSE_Sign1 envelope.
///
/// Decoding checks the envelope's form, the payload's schema and type tag, the chain, and that a
/// `kid`, when present, names the signer; `verify(with:)` checks the signature itself, with the key
/// the ledger currently holds for `object.signer` (which, after a rotation, is not the key the
/// signer's address was derived from).
public struct Signed<Object: SignedObject>: Hashable, Sendable {
    /// The COSE_Sign1 envelope.
    public let envelope: COSESign1
    /// The decoded payload.
    public let object: Object
    /// The envelope's encoding, as received or as signed.
    public let bytes: [UInt8]

    /// Signs `object` with `key`.
    ///
    /// No kid is written: the payload already names the signer, and devices count every byte they send.
    public static func sign(_ object: Object, with key: PrivateKey) throws(ObjectError) -> Signed<Object> {
        do {
            let envelope = try COSESign1.sign(payload: object.encoded, with: key)
            return Signed(envelope: envelope, object: object, bytes: envelope.encoded)
        } catch {
            throw ObjectError(error)
        }
    }

    private init(envelope: COSESign1, object: Object, bytes: [UInt8]) {
        self.envelope = envelope
        self.object = object
        self.bytes = bytes
    }

    /// Decodes a signed object from untrusted bytes (the signature is not checked here).
    ///
    /// - Parameter chain: when given, an object for any other chain is rejected with `wrong-chain`.
    public init(decoding bytes: [UInt8], chain: ChainID? = nil, limits: CBORLimits = .default) throws(ObjectError) {
        guard bytes.count <= ObjectLimits.maxEnvelopeBytes else {
            throw ObjectError(.limitExceeded, "envelope of \(bytes.count) bytes exceeds \(ObjectLimits.maxEnvelopeBytes)")
        }
        // Decode the CBOR here rather than in COSESign1, so that a decoder limit stays limit-exceeded.
        let value: CBORValue
        do {
            value = try CBORReader.decode(bytes, limits: limits)
        } catch {
            throw ObjectError(error)
        }
        let envelope: COSESign1
        do {
            envelope = try COSESign1(value: value)
        } catch {
            throw ObjectError(error)
        }
        let object = try Object.decode(envelope.payload, limits: limits)
        if let chain, chain != object.chainID {
            throw ObjectError(.wrongChain, "\(Object.objectType) is for chain \"\(object.chainID)\", this is \"\(chain)\"")
        }
        if let kid = envelope.keyID, kid != object.signer.bytes {
            throw ObjectError(.badSignature, "kid \(Hex.encode(kid)) does not name the signer \(object.signer)")
        }
        self.init(envelope: envelope, object: object, bytes: bytes)
    }

    /// Checks the signature with `key`.
    public func verify(with key: PublicKey) throws(ObjectError) {
        do {
            try envelope.verify(with: key)
        } catch {
            throw ObjectError(error)
        }
    }

    /// SHA-256 of the payload: the object's id, the same whichever valid signature carries it.
    public var payloadHash: Hash256 { SHA256Hasher.hash(envelope.payload) }
}
