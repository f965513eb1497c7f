public import FogCrypto
public import FogDevice
import FogMQTT
import NIOCore
import NIOSSL

/// A broker address from a URL: `mqtt://host[:port]` (1883) or `mqtts://host[:port]` (8883, TLS).
public struct BrokerAddress: Hashable, Sendable {
    public let host: String
    public let port: Int
    public let tls: Bool

    /// Parses `text`; nil when it is not an mqtt(s) URL with a host.
    public init?(url text: String) {
        let secure: Bool
        if text.hasPrefix("mqtt://") {
            secure = false
        } else if text.hasPrefix("mqtts://") {
            secure = true
        } else {
            return nil
        }
        let rest = text.dropFirst(secure ? "mqtts://".count : "mqtt://".count)
        var authority = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        if authority.hasSuffix("/") { authority.removeLast() }
        let defaultPort = secure ? 8883 : 1883
        let host: Substring
        let port: Int
        if let colon = authority.lastIndex(of: ":"), !authority.hasPrefix("[") {
            host = authority[..<colon]
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65_535).contains(number) else { return nil }
            port = number
        } else {
            host = authority
            port = defaultPort
        }
        guard !host.isEmpty else { return nil }
        self.host = String(host)
        self.port = port
        self.tls = secure
    }
}

/// Sends envelopes through an MQTT broker to the node's gateway: each envelope is published with
/// QoS 1 to the device's readings topic, and the gateway's answers arrive on its acks topic.
public final class MQTTTransport: DeviceTransport {
    /// The device whose topics are used.
    public let device: Address
    public let acknowledgements: AsyncStream<TransportAck>
    private let connection: MQTTDeviceConnection

    /// A transport for `device` through `broker`; `username`/`password` when the broker wants them.
    public init(broker: BrokerAddress, device: Address, username: String? = nil, password: String? = nil) {
        self.device = device
        let (stream, continuation) = AsyncStream.makeStream(of: TransportAck.self)
        acknowledgements = stream
        let configuration = MQTTClientConfiguration(
            host: broker.host, port: broker.port, clientID: "fogledger-device-\(device.hex.prefix(16))-\(UInt32.random(in: 0...UInt32.max))",
            username: username, password: password.map { Array($0.utf8) }, keepAliveSeconds: 30,
            connectTimeout: .seconds(5), tls: broker.tls ? TLSConfiguration.makeClientConfiguration() : nil)
        connection = MQTTDeviceConnection(configuration: configuration, device: device, continuation: continuation)
    }

    public func connect() async throws {
        try await connection.connect()
    }

    public func send(_ envelope: OutboundEnvelope) async throws -> SendOutcome {
        let client = try await connection.connect()
        do {
            try await client.publish(topic: DeviceTopics.readings(device), payload: envelope.bytes, qos: .atLeastOnce)
        } catch {
            await connection.drop(client)
            throw DeviceError("broker-unreachable", "publish to \(DeviceTopics.readings(device)): \(error)")
        }
        return .delivered
    }

    public func close() async {
        await connection.close()
    }
}

/// The MQTT client of one device: connected on demand, replaced after a failure, its acks
/// subscription forwarded to the transport's stream.
actor MQTTDeviceConnection {
    private let configuration: MQTTClientConfiguration
    private let device: Address
    private let continuation: AsyncStream<TransportAck>.Continuation
    private var client: MQTTClient?
    private var forwarder: Task<Void, Never>?
    private var closed = false

    init(configuration: MQTTClientConfiguration, device: Address, continuation: AsyncStream<TransportAck>.Continuation) {
        self.configuration = configuration
        self.device = device
        self.continuation = continuation
    }

    @discardableResult
    func connect() async throws -> MQTTClient {
        if let client, await client.isConnected { return client }
        guard !closed else { throw DeviceError("closed", "the transport is closed") }
        if let client { await client.disconnect() }
        forwarder?.cancel()
        let fresh = MQTTClient(configuration: configuration)
        do {
            try await fresh.connect()
            let acks = try await fresh.subscribe(DeviceTopics.acks(device), qos: .atLeastOnce)
            let continuation = self.continuation
            forwarder = Task {
                for await message in acks {
                    if let ack = AckMessage.parse(Array(message.payload.readableBytesView)) { continuation.yield(ack) }
                }
            }
        } catch {
            await fresh.disconnect()
            throw DeviceError("broker-unreachable", "\(configuration.host):\(configuration.port): \(error)")
        }
        client = fresh
        return fresh
    }

    func drop(_ failed: MQTTClient) async {
        guard client === failed else { return }
        client = nil
        forwarder?.cancel()
        forwarder = nil
        await failed.disconnect()
    }

    func close() async {
        closed = true
        forwarder?.cancel()
        forwarder = nil
        if let client { await client.disconnect() }
        client = nil
        continuation.finish()
    }
}
