/// Signatures checked together, with the verdicts ``PublicKey/isValidSignature(_:for:)`` gives one
/// by one: the Ed25519 ones in one weighted equation (``Ed25519Verifier``), which costs about a
/// third of checking them singly, the others one by one.
///
/// When the equation fails, each Ed25519 signature is checked alone to find the invalid ones, so a
/// batch with an invalid signature costs about 1.4 times as much as checking it singly.
public struct SignatureBatch: Sendable {
    private var keys: [PublicKey] = []
    private var signatures: [[UInt8]] = []
    private var messages: [[UInt8]] = []

    public init() {}

    /// How many signatures were added.
    public var count: Int { keys.count }

    /// Adds `signature` by `key` over `message`; its verdict is at this index of ``verify()``'s answer.
    @discardableResult
    public mutating func append(_ signature: [UInt8], over message: [UInt8], by key: PublicKey) -> Int {
        keys.append(key)
        signatures.append(signature)
        messages.append(message)
        return keys.count - 1
    }

    /// Whether each signature is valid, in the order they were added.
    public func verify() -> [Bool] {
        var verdicts = [Bool](repeating: false, count: keys.count)
        var batched: [Int] = []
        for index in keys.indices {
            if keys[index].algorithm == .ed25519, signatures[index].count == SignatureAlgorithm.ed25519.signatureByteCount {
                batched.append(index)
            } else {
                verdicts[index] = keys[index].isValidSignature(signatures[index], for: messages[index])
            }
        }
        let items = batched.map {
            Ed25519Verifier.Item(publicKey: keys[$0].rawBytes, signature: signatures[$0], message: messages[$0])
        }
        if batched.count > 1, Ed25519Verifier.areAllValid(items) {
            for index in batched { verdicts[index] = true }
        } else {
            for index in batched { verdicts[index] = keys[index].isValidSignature(signatures[index], for: messages[index]) }
        }
        return verdicts
    }
}

extension SignatureBatch {
    /// Adds the check ``COSESign1/verify(with:)`` makes of `envelope` with `key`: its signature
    /// over the Sig_structure. Returns the verdict's index, or `nil` (nothing added) when `key`'s
    /// algorithm is not the header's, which that check refuses without looking at the signature.
    @discardableResult
    public mutating func append(_ envelope: COSESign1, by key: PublicKey) -> Int? {
        guard key.algorithm == envelope.algorithm else { return nil }
        return append(envelope.signature,
                      over: COSESign1.toBeSigned(protectedHeader: envelope.protectedHeader, payload: envelope.payload), by: key)
    }
}
