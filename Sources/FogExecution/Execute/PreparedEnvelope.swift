public import FogCrypto
public import FogTypes

/// An envelope decoded once, before it meets any state, together with the key its signature was
/// already found valid under (if it was checked).
///
/// Preparing is the part of admission that needs no state: decoding and, given the key the signer
/// is believed to hold, the signature check. It runs outside any lock or actor, on any core. State
/// decides later whether that key is still the signer's: execution skips the signature check only
/// when the key in state is exactly ``verifiedKey``, and verifies again otherwise (a key rotation
/// that landed in between). Only ``Executor/prepareAll(_:signerKey:)`` (and
/// ``Executor/prepare(_:signerKey:)`` through it) sets ``verifiedKey``, and only after a successful
/// verification, so a prepared envelope cannot claim a check that did not happen.
public struct PreparedEnvelope: Sendable {
    /// The envelope's bytes, as received.
    public let bytes: [UInt8]
    /// Its id: the payload's SHA-256 (of the bytes when it is no COSE_Sign1).
    public let transactionID: Hash256
    /// The decoded envelope, or why it does not decode.
    public let decoded: Result<SignedEnvelope, ObjectError>
    /// The key the signature verified with, or `nil` when it was not checked (or did not verify).
    public let verifiedKey: PublicKey?

    init(bytes: [UInt8], chain: ChainID) {
        self.bytes = bytes
        do {
            let envelope = try SignedEnvelope(decoding: bytes, chain: chain)
            decoded = .success(envelope)
            transactionID = envelope.transactionID
        } catch {
            decoded = .failure(error)
            transactionID = SignedEnvelope.transactionID(of: bytes)
        }
        verifiedKey = nil
    }

    fileprivate init(_ unchecked: PreparedEnvelope, verifiedKey: PublicKey) {
        bytes = unchecked.bytes
        transactionID = unchecked.transactionID
        decoded = unchecked.decoded
        self.verifiedKey = verifiedKey
    }

    /// The address whose key must have signed it, when it decodes.
    public var signer: Address? {
        guard case .success(let envelope) = decoded else { return nil }
        return envelope.signer
    }
}

extension Executor {
    /// Decodes `bytes` and, when `signerKey` knows a key for the signer, verifies the signature with
    /// it. Reads no state; safe to run concurrently.
    public func prepare(_ bytes: [UInt8], signerKey: (Address) -> PublicKey? = { _ in nil }) -> PreparedEnvelope {
        prepareAll(CollectionOfOne(bytes), signerKey: signerKey)[0]
    }

    /// ``prepare(_:signerKey:)`` for many envelopes, their signatures checked together
    /// (``SignatureBatch``), which costs about a third as much per Ed25519 signature. A signature
    /// that does not verify leaves its envelope unmarked (execution then reports `bad-signature`
    /// against the key in state).
    public func prepareAll(_ envelopes: some Collection<[UInt8]>,
                           signerKey: (Address) -> PublicKey? = { _ in nil }) -> [PreparedEnvelope] {
        var prepared = envelopes.map { PreparedEnvelope(bytes: $0, chain: chainID) }
        var batch = SignatureBatch()
        var checked: [(index: Int, key: PublicKey)] = []
        for (index, envelope) in prepared.enumerated() {
            // A key of another algorithm is not checked (nothing is added): execution reports it.
            guard case .success(let decoded) = envelope.decoded, let key = signerKey(decoded.signer),
                  batch.append(decoded.cose, by: key) != nil
            else { continue }
            checked.append((index, key))
        }
        for (check, valid) in zip(checked, batch.verify()) where valid {
            prepared[check.index] = PreparedEnvelope(prepared[check.index], verifiedKey: check.key)
        }
        return prepared
    }
}

extension Executor {
    /// ``admit(_:height:overlay:)`` that also returns the envelope marked as verified with the key
    /// admission checked its signature against, so that a later execution or re-admission against
    /// the same key does not verify it again. Unchanged when it was refused or already so marked.
    public func admitMarkingVerified<Base>(_ envelope: PreparedEnvelope, height: UInt64,
                                           overlay: inout StateOverlay<Base>) throws -> (Admission, PreparedEnvelope) {
        let admission = try admit(envelope, height: height, overlay: &overlay)
        guard admission.error == nil, let key = admission.signerKey, envelope.verifiedKey != key else {
            return (admission, envelope)
        }
        // No error: `apply` checked the signature against `key` (or skipped it because it was
        // verified with exactly that key).
        return (admission, PreparedEnvelope(envelope, verifiedKey: key))
    }
}

/// How execution checks a signature against the signer's key in state: skipped when the envelope
/// was already verified with exactly that key, verified otherwise. Remembers the key it was given.
struct SignatureCheck {
    let envelope: SignedEnvelope
    let verifiedKey: PublicKey?
    private(set) var stateKey: PublicKey?

    init(envelope: SignedEnvelope, verifiedKey: PublicKey?) {
        self.envelope = envelope
        self.verifiedKey = verifiedKey
    }

    mutating func check(with key: PublicKey) throws(ObjectError) {
        stateKey = key
        if let verifiedKey, verifiedKey == key { return }
        try envelope.verify(with: key)
    }
}
