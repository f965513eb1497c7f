/// `Tests/Vectors/cose-sign1.json`: COSE_Sign1 messages a verifier must accept or reject.
public struct COSESign1VectorFile: Codable, Sendable {
    /// What the file holds.
    public var description: String
    /// The vectors, valid ones first.
    public var vectors: [COSESign1Vector]

    public init(description: String, vectors: [COSESign1Vector]) {
        self.description = description
        self.vectors = vectors
    }
}

/// One COSE_Sign1 message and what a FogLedger verifier does with it; byte strings in lowercase hex.
public struct COSESign1Vector: Codable, Sendable {
    /// A short unique name.
    public var name: String
    /// The signer's algorithm.
    public var algorithm: String
    /// The signer's public key as a canonical COSE_Key.
    public var coseKey: String
    /// The tagged COSE_Sign1.
    public var coseSign1: String
    /// The attached payload, when the message decodes.
    public var payload: String?
    /// The Sig_structure `["Signature1", protected, h'', payload]` that was signed, when the message decodes.
    public var toBeSigned: String?
    /// Whether the message is accepted: it decodes and its signature verifies with `coseKey`.
    public var valid: Bool
    /// For a rejected message: `decode` (the envelope is not in FogLedger's form) or `verify`.
    public var rejectedAt: String?
    /// For a rejected message: the error code (`malformed`, `unsupported-algorithm`, `bad-signature`).
    public var error: String?
    /// Why the message is accepted or rejected.
    public var comment: String

    public init(name: String, algorithm: String, coseKey: String, coseSign1: String, payload: String?, toBeSigned: String?,
                valid: Bool, rejectedAt: String? = nil, error: String? = nil, comment: String) {
        self.name = name
        self.algorithm = algorithm
        self.coseKey = coseKey
        self.coseSign1 = coseSign1
        self.payload = payload
        self.toBeSigned = toBeSigned
        self.valid = valid
        self.rejectedAt = rejectedAt
        self.error = error
        self.comment = comment
    }
}
