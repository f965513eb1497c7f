public import FogCrypto
public import FogTypes

/// How the machine checks the signature of a proposal or vote from the network: by default the
/// COSE_Sign1 check itself. A driver may supply a memoising check (a signature cache), e.g. when one
/// process verifies the same signed message for many validators, as the simulator does.
public struct SignatureVerifier: Sendable {
    /// Whether `envelope` (whose encoding is `bytes`) carries a valid signature by `key`.
    public let isValid: @Sendable (_ envelope: COSESign1, _ bytes: [UInt8], _ key: PublicKey) -> Bool

    /// A verifier with a custom check.
    public init(isValid: @escaping @Sendable (_ envelope: COSESign1, _ bytes: [UInt8], _ key: PublicKey) -> Bool) {
        self.isValid = isValid
    }

    /// The COSE_Sign1 signature check.
    public static let cose = SignatureVerifier { envelope, _, key in (try? envelope.verify(with: key)) != nil }

    /// Whether `signed` carries a valid signature by `key`.
    func verify<Object>(_ signed: Signed<Object>, with key: PublicKey) -> Bool {
        isValid(signed.envelope, signed.bytes, key)
    }
}
