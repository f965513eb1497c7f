public import FogCore

/// `Tests/Vectors/objects.json`: one or more of every FogLedger object, with canonical encodings.
public struct ObjectVectorFile: Codable, Sendable {
    /// What the file holds.
    public var description: String
    /// The chain id every object names.
    public var chainID: String
    /// The vectors.
    public var vectors: [ObjectVector]

    public init(description: String, chainID: String, vectors: [ObjectVector]) {
        self.description = description
        self.chainID = chainID
        self.vectors = vectors
    }
}

/// One object; byte strings in lowercase hex.
public struct ObjectVector: Codable, Sendable {
    /// A short unique name.
    public var name: String
    /// The object type's name (`reading`, `reading-batch`, …).
    public var type: String
    /// The type tag under key 0.
    public var typeTag: UInt64
    /// What the object is.
    public var comment: String
    /// Each top-level field in encoding order: key, name and value in CBOR diagnostic notation.
    public var fields: [ObjectFieldVector]
    /// The whole object in CBOR diagnostic notation (RFC 8949 §8).
    public var diagnostic: String
    /// The canonical encoding.
    public var encoded: String
    /// SHA-256 of the encoding: the object's id (for a header, the block id).
    public var sha256: String
    /// For a signed object: the signer and one valid COSE_Sign1 whose payload is `encoded`.
    public var signed: SignedObjectVector?
    /// For a reading batch: the full `Reading` encoding of each entry (the readings-tree leaves).
    public var readingLeaves: [String]?
    /// For a commit: the name of the validator-set vector it verifies against, and the power that signed.
    public var verifiesWith: String?
    /// For a commit: the voting power of its signers in that set.
    public var signedPower: UInt64?

    public init(name: String, type: String, typeTag: UInt64, comment: String, fields: [ObjectFieldVector], diagnostic: String,
                encoded: String, sha256: String, signed: SignedObjectVector? = nil, readingLeaves: [String]? = nil,
                verifiesWith: String? = nil, signedPower: UInt64? = nil) {
        self.name = name
        self.type = type
        self.typeTag = typeTag
        self.comment = comment
        self.fields = fields
        self.diagnostic = diagnostic
        self.encoded = encoded
        self.sha256 = sha256
        self.signed = signed
        self.readingLeaves = readingLeaves
        self.verifiesWith = verifiesWith
        self.signedPower = signedPower
    }
}

/// One top-level field of an object.
public struct ObjectFieldVector: Codable, Sendable {
    /// The map key.
    public var key: Int64
    /// The field's name in the specification.
    public var name: String
    /// The value in CBOR diagnostic notation.
    public var value: String

    public init(key: Int64, name: String, value: String) {
        self.key = key
        self.name = name
        self.value = value
    }
}

/// The signature side of a signed object vector.
public struct SignedObjectVector: Codable, Sendable {
    /// The signer's algorithm.
    public var algorithm: String
    /// The signer's public key as a canonical COSE_Key.
    public var coseKey: String
    /// The signer's address (named in the payload; FogLedger writes no kid).
    public var address: String
    /// A valid tagged COSE_Sign1 over `encoded` (signatures may be randomised: check, never compare).
    public var coseSign1: String

    public init(algorithm: String, coseKey: String, address: String, coseSign1: String) {
        self.algorithm = algorithm
        self.coseKey = coseKey
        self.address = address
        self.coseSign1 = coseSign1
    }
}

extension ObjectVector {
    /// `value` in CBOR diagnostic notation (RFC 8949 §8): map entries in their deterministic order,
    /// byte strings as `h'…'`, text strings as JSON strings, floats in their shortest decimal form.
    public static func diagnostic(_ value: CBORValue) -> String {
        switch value {
        case .unsigned(let n): return "\(n)"
        case .negative(let n): return n == .max ? "-18446744073709551616" : "-\(n + 1)"
        case .bytes(let b): return "h'\(Hex.encode(b))'"
        case .text(let t): return JSONString.quoted(t)
        case .array(let items): return "[" + items.map(diagnostic).joined(separator: ", ") + "]"
        case .map(let entries):
            let sorted = entries.sorted { $0.key.encoded.lexicographicallyPrecedes($1.key.encoded) }
            return "{" + sorted.map { "\(diagnostic($0.key)): \(diagnostic($0.value))" }.joined(separator: ", ") + "}"
        case .tagged(let tag, let item): return "\(tag)(\(diagnostic(item)))"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .undefined: return "undefined"
        case .simple(let n): return "simple(\(n))"
        case .float(let d):
            if d.isNaN { return "NaN" }
            if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
            return "\(d)"
        }
    }
}
