public import FogCrypto
public import FogDevice

/// An answer about one envelope that arrives after it was sent.
public enum TransportAck: Hashable, Sendable {
    /// Admitted to the node's mempool.
    case accepted(Hash256)
    /// In a committed block at `height`.
    case committed(Hash256, height: UInt64)
    /// Refused with a stable code; the id is nil when the gateway could not read the envelope.
    case rejected(Hash256?, code: String, message: String)
    /// The node no longer knows an envelope it had accepted (it restarted): send it again.
    case lost(Hash256)
}

/// The immediate outcome of sending one envelope.
public enum SendOutcome: Hashable, Sendable {
    /// The node admitted it (HTTP); its commit arrives as a `TransportAck`.
    case accepted
    /// The broker took it (MQTT QoS 1); the gateway's answers arrive as `TransportAck`s.
    case delivered
    /// The node refused it with a stable code.
    case refused(code: String, message: String)
}

/// How a device reaches the ledger: MQTT through a gateway, or HTTP straight to a node.
///
/// `send` throws only for transient failures (unreachable, disconnected, timed out), which the
/// agent retries with backoff; a refusal is an outcome.
public protocol DeviceTransport: Sendable {
    /// Answers that arrive after a send, in arrival order; finishes when the transport closes.
    var acknowledgements: AsyncStream<TransportAck> { get }
    /// Connects (and subscribes to answers); safe to call again after a failure.
    func connect() async throws
    /// Sends one envelope.
    func send(_ envelope: OutboundEnvelope) async throws -> SendOutcome
    /// Closes; the acknowledgements stream finishes.
    func close() async
}

/// The MQTT topics of one device (spec/mqtt.md's device contract).
public enum DeviceTopics {
    /// `fogledger/v1/devices/{40 hex}/readings`: one COSE_Sign1 per message.
    public static func readings(_ device: Address) -> String { "fogledger/v1/devices/\(device.hex)/readings" }
    /// `fogledger/v1/devices/{40 hex}/acks`: the gateway's JSON answers.
    public static func acks(_ device: Address) -> String { "fogledger/v1/devices/\(device.hex)/acks" }
}
