import FogCore
public import FogCrypto

/// Produces signatures for a device, wherever its private key lives.
///
/// `SoftwareSigner` holds a FogCrypto `PrivateKey` in memory. A secure element (ATECC608, SE050,
/// a TPM) conforms by sending `message` — the COSE Sig_structure — to the chip and returning the raw
/// signature in COSE form: 64 bytes `r ‖ s` for ES256 (convert from DER if the chip answers DER),
/// 64 bytes for EdDSA. `sealEnvelope` checks every signature against `publicKey` before it leaves
/// the device, so a faulty chip or a wrong slot is caught at once rather than by the ledger.
public protocol Signer: Sendable {
    /// The public half of the signing key, as registered on the ledger.
    var publicKey: PublicKey { get }
    /// Signs `message` with the key's algorithm; returns the signature in COSE form.
    func signature(for message: [UInt8]) throws -> [UInt8]
}

/// A signer over a private key held in memory.
public struct SoftwareSigner: Signer {
    private let key: PrivateKey

    /// Signs with `key`.
    public init(key: PrivateKey) {
        self.key = key
    }

    public var publicKey: PublicKey { key.publicKey }

    public func signature(for message: [UInt8]) throws -> [UInt8] {
        try key.signature(for: message)
    }
}

/// Why the SDK could not build, sign or queue something.
public struct DeviceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable code, e.g. `queue-full`, `signing-failed`, `invalid-value`.
    public let code: String
    /// A human-readable detail.
    public let message: String

    /// Creates an error.
    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

/// Builds COSE_Sign1 envelopes with any `Signer`.
public enum EnvelopeSealer {
    /// Signs `payload` (a canonical object's encoding) and returns the COSE_Sign1 envelope, checked
    /// against the signer's public key.
    public static func seal(_ payload: [UInt8], with signer: some Signer) throws(DeviceError) -> COSESign1 {
        let algorithm = signer.publicKey.algorithm
        let header = COSESign1.protectedHeader(for: algorithm)
        let message = COSESign1.toBeSigned(protectedHeader: header, payload: payload)
        let signature: [UInt8]
        do {
            signature = try signer.signature(for: message)
        } catch {
            throw DeviceError("signing-failed", "the signer failed: \(error)")
        }
        let envelope: COSESign1
        do throws(CryptoError) {
            envelope = try COSESign1(value: .tagged(COSESign1.tag, .array([
                .bytes(header), .map([]), .bytes(payload), .bytes(signature),
            ])))
            try envelope.verify(with: signer.publicKey)
        } catch {
            throw DeviceError("signing-failed", "the signer returned an invalid \(algorithm) signature: \(error.detail)")
        }
        return envelope
    }
}
