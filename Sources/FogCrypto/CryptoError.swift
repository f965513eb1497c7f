/// Why a key, signature or signed object was rejected.
public struct CryptoError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Key bytes that do not form a valid key for the algorithm.
        public static let invalidKey = Code("invalid-key")
        /// A COSE algorithm, key type or curve that FogLedger does not accept.
        public static let unsupportedAlgorithm = Code("unsupported-algorithm")
        /// A COSE_Key or COSE_Sign1 that is not in the form the specification requires.
        public static let malformed = Code("malformed")
        /// A signature that does not verify.
        public static let badSignature = Code("bad-signature")
        /// A DID that is not a did:key FogLedger can read.
        public static let invalidDID = Code("invalid-did")
        /// The signing backend failed.
        public static let signingFailed = Code("signing-failed")
    }

    /// The kind of problem.
    public let code: Code
    /// What exactly was wrong.
    public let detail: String

    /// Creates an error.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}
