public import FogCore
public import FogCrypto

/// Why a FogLedger object was rejected. Codes are stable: the API and CLI report them verbatim.
public struct ObjectError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Not valid deterministic CBOR, or not the object's schema.
        public static let malformed = Code("malformed")
        /// A well-formed object of another type than expected.
        public static let wrongObjectType = Code("wrong-object-type")
        /// An object for another chain.
        public static let wrongChain = Code("wrong-chain")
        /// A signature that does not verify, or a kid that names someone else.
        public static let badSignature = Code("bad-signature")
        /// A signature algorithm, key type or curve that is not accepted.
        public static let unsupportedAlgorithm = Code("unsupported-algorithm")
        /// A size, count or length outside its allowed range (an `ObjectLimits` bound, a decoder limit,
        /// or an empty list, media type or chain id where at least one item or byte is required).
        public static let limitExceeded = Code("limit-exceeded")
        /// A value outside its allowed range (a zero sequence number, unordered entries, …).
        public static let invalidValue = Code("invalid-value")
    }

    /// The kind of problem.
    public let code: Code
    /// What exactly was wrong, naming the field.
    public let detail: String

    /// Creates an error.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// Wraps a CBOR error: a decoder or field limit (input size, nesting depth, string length,
    /// item count) is `limit-exceeded`; anything else (malformed bytes, schema) is `malformed`.
    public init(_ error: CBORError) {
        switch error.code {
        case .inputTooLarge, .depthLimitExceeded, .lengthLimitExceeded:
            self.init(.limitExceeded, error.description)
        default:
            self.init(.malformed, error.description)
        }
    }

    /// Wraps a crypto error.
    public init(_ error: CryptoError) {
        switch error.code {
        case .badSignature: self.init(.badSignature, error.detail)
        case .unsupportedAlgorithm: self.init(.unsupportedAlgorithm, error.detail)
        default: self.init(.malformed, error.detail)
        }
    }

    public var description: String { "\(code): \(detail)" }
}
