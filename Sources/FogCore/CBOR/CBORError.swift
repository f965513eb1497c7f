/// Why a CBOR input was rejected, and where.
///
/// `offset` is the byte offset of the offending data item's first byte (for a map key out of order or
/// repeated, that key's first byte); for truncated input it is the input's length, where the missing
/// byte would be; for trailing bytes, the first of them; for input over the size limit, the limit.
/// Schema errors raised after decoding, which concern a value rather than a byte, carry the field they
/// concern in `detail` and no offset.
public struct CBORError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem; a closed set that can grow without breaking callers that compare codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The input ended inside a data item, or a declared length or count needs more bytes than remain.
        public static let truncated = Code("truncated")
        /// Bytes follow the single top-level data item.
        public static let trailingBytes = Code("trailing-bytes")
        /// An integer, length or tag was not written in its shortest form.
        public static let nonCanonicalInteger = Code("non-canonical-integer")
        /// A float was not written in its shortest exact form, or a NaN other than 0xf97e00.
        public static let nonCanonicalFloat = Code("non-canonical-float")
        /// An indefinite-length string, array or map, or a stray "break" byte.
        public static let indefiniteLength = Code("indefinite-length")
        /// Additional information 28–30, which RFC 8949 reserves.
        public static let reservedAdditionalInfo = Code("reserved-additional-info")
        /// A two-byte simple value below 32.
        public static let invalidSimpleValue = Code("invalid-simple-value")
        /// A text string that is not valid UTF-8.
        public static let invalidUTF8 = Code("invalid-utf8")
        /// A map key that equals an earlier key of the same map.
        public static let duplicateMapKey = Code("duplicate-map-key")
        /// Map keys not in bytewise order of their encodings.
        public static let unsortedMapKeys = Code("unsorted-map-keys")
        /// Nesting deeper than the decoder's limit.
        public static let depthLimitExceeded = Code("depth-limit-exceeded")
        /// A string or collection longer than the decoder's limit (checked before the bytes that remain).
        public static let lengthLimitExceeded = Code("length-limit-exceeded")
        /// The input is larger than the decoder's limit.
        public static let inputTooLarge = Code("input-too-large")
        /// A well-formed item of the wrong type or value for the schema being decoded.
        public static let schemaViolation = Code("schema-violation")
    }

    /// The kind of problem.
    public let code: Code
    /// Byte offset of the offending item, when the problem is in the bytes.
    public let offset: Int?
    /// Human-readable detail: what was expected, or which field is wrong.
    public let detail: String

    /// Creates an error.
    public init(_ code: Code, at offset: Int?, _ detail: String) {
        self.code = code
        self.offset = offset
        self.detail = detail
    }

    /// A schema error about a decoded value (no byte offset).
    public static func schema(_ detail: String) -> CBORError {
        CBORError(.schemaViolation, at: nil, detail)
    }

    public var description: String {
        if let offset {
            return "CBOR \(code) at byte \(offset): \(detail)"
        }
        return "CBOR \(code): \(detail)"
    }
}
