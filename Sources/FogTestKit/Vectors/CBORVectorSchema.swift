public import FogCore

/// The layout of the deterministic-CBOR vector files `Tests/Vectors/cbor-rfc8949.json` and
/// `Tests/Vectors/cbor-rejections.json` (described in `spec/encoding.md`, section 1.8).
public struct CBORVectorFile: Codable, Sendable {
    /// What the file holds and where its entries come from.
    public var description: String
    /// Every vector, in a stable order.
    public var vectors: [CBORVector]

    /// Creates a vector file.
    public init(description: String, vectors: [CBORVector]) {
        self.description = description
        self.vectors = vectors
    }
}

/// One input and what a FogLedger decoder must do with it.
public struct CBORVector: Codable, Sendable, Equatable {
    /// Whether the decoder accepts the input.
    public enum Outcome: String, Codable, Sendable {
        /// Decoded; re-encoding the value gives back exactly `hex`.
        case accepted
        /// Rejected with `error` (a `CBORError.Code` name) at byte `offset`.
        case rejected
    }

    /// A short name for the case (rejection vectors).
    public var name: String?
    /// The RFC 8949 diagnostic notation of the item, as the RFC prints it (RFC vectors).
    public var diagnostic: String?
    /// The input, lowercase hexadecimal without prefix.
    public var hex: String
    /// The decoder limits to apply; absent means `CBORLimits.default`.
    public var limits: CBORVectorLimits?
    /// When present, the decoded item is then read with this `CBORFields` schema (only `"sample"`).
    public var schema: String?
    /// Accepted or rejected.
    public var outcome: Outcome
    /// The `CBORError.Code` name of a rejection.
    public var error: String?
    /// The byte offset of a rejection; absent for schema violations, which concern a value.
    public var offset: Int?
    /// The exact error detail of a schema violation (FogLedger-specific; other implementations may ignore it).
    public var detail: String?

    /// A vector the decoder must accept and re-encode unchanged.
    public static func accepted(
        name: String? = nil, diagnostic: String? = nil, hex: String, limits: CBORVectorLimits? = nil, schema: String? = nil
    ) -> CBORVector {
        CBORVector(name: name, diagnostic: diagnostic, hex: hex, limits: limits, schema: schema, outcome: .accepted)
    }

    /// A vector the decoder must reject with `code` at `offset` (`nil` only for schema violations).
    public static func rejected(
        name: String? = nil, diagnostic: String? = nil, hex: String, limits: CBORVectorLimits? = nil,
        schema: String? = nil, _ code: CBORError.Code, at offset: Int?, detail: String? = nil
    ) -> CBORVector {
        CBORVector(name: name, diagnostic: diagnostic, hex: hex, limits: limits, schema: schema, outcome: .rejected,
                   error: code.description, offset: offset, detail: detail)
    }
}

/// `CBORLimits` as written in a vector file.
public struct CBORVectorLimits: Codable, Sendable, Equatable {
    /// `CBORLimits.maxInputBytes`.
    public var maxInputBytes: Int
    /// `CBORLimits.maxDepth`.
    public var maxDepth: Int
    /// `CBORLimits.maxCollectionCount`.
    public var maxCollectionCount: Int
    /// `CBORLimits.maxStringBytes`.
    public var maxStringBytes: Int

    /// Creates limits; each one left out takes its `CBORLimits.default` value.
    public init(maxInputBytes: Int? = nil, maxDepth: Int? = nil, maxCollectionCount: Int? = nil, maxStringBytes: Int? = nil) {
        let base = CBORLimits.default
        self.maxInputBytes = maxInputBytes ?? base.maxInputBytes
        self.maxDepth = maxDepth ?? base.maxDepth
        self.maxCollectionCount = maxCollectionCount ?? base.maxCollectionCount
        self.maxStringBytes = maxStringBytes ?? base.maxStringBytes
    }

    /// The limits to decode with.
    public var cborLimits: CBORLimits {
        CBORLimits(maxInputBytes: maxInputBytes, maxDepth: maxDepth,
                   maxCollectionCount: maxCollectionCount, maxStringBytes: maxStringBytes)
    }
}
