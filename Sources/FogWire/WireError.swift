public import FogCore
public import FogTypes

/// Why bytes from a peer were rejected. Codes are stable: logs and metrics use them verbatim.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A frame whose declared length exceeds `WireLimits.maxFrameBytes`.
        public static let frameTooLarge = Code("frame-too-large")
        /// A frame with an empty body (no message-type byte).
        public static let emptyFrame = Code("empty-frame")
        /// Fewer bytes than the frame header declares.
        public static let truncated = Code("truncated")
        /// More bytes than the frame header declares.
        public static let trailingBytes = Code("trailing-bytes")
        /// A message-type byte this protocol version does not define.
        public static let unknownMessageType = Code("unknown-message-type")
        /// A body that is not deterministic CBOR, or not the message's schema.
        public static let malformed = Code("malformed")
        /// A count or size over its `WireLimits` bound.
        public static let limitExceeded = Code("limit-exceeded")
        /// A well-formed value outside its allowed range.
        public static let invalidValue = Code("invalid-value")
        /// A handshake with another protocol version.
        public static let versionMismatch = Code("version-mismatch")
        /// A handshake for another chain id or genesis.
        public static let wrongChain = Code("wrong-chain")
        /// A handshake whose node id is not the key the TLS certificate proved.
        public static let wrongNodeID = Code("wrong-node-id")
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

    /// Wraps an object error from a nested FogLedger object.
    public init(_ error: ObjectError) {
        self.init(error.code == .limitExceeded ? .limitExceeded : .malformed, error.description)
    }

    /// Wraps a CBOR error in a message body.
    public init(_ error: CBORError) {
        self.init(ObjectError(error))
    }

    public var description: String { "\(code): \(detail)" }
}
