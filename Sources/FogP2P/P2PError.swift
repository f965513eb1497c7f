/// Why the P2P layer refused a peer, a connection or a call. Codes are stable: logs, events and
/// metrics use them verbatim.
public struct P2PError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A node key or peer certificate key that is not Ed25519.
        public static let unsupportedKey = Code("unsupported-key")
        /// A peer whose certificate proves another node id than the one dialled.
        public static let unexpectedNodeID = Code("unexpected-node-id")
        /// An inbound peer that is not in the allowed set.
        public static let unknownPeer = Code("unknown-peer")
        /// The network was not started, or has shut down.
        public static let notRunning = Code("not-running")
        /// A TLS or socket setup failure.
        public static let transport = Code("transport")
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
