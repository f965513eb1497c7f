public import NIOCore
public import NIOPosix
public import NIOSSL

/// How to reach and talk to a broker.
public struct MQTTClientConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var clientID: String
    public var version: MQTTVersion
    public var username: String?
    public var password: [UInt8]?
    /// Clean session (3.1.1) / clean start (5.0) on the first connection.
    public var cleanStart: Bool
    /// MQTT 5 session expiry interval in seconds (0: the session ends with the connection).
    public var sessionExpirySeconds: UInt32
    public var keepAliveSeconds: UInt16
    public var pingTimeout: TimeAmount
    public var connectTimeout: TimeAmount
    /// Unacknowledged QoS 1 publishes at once (the broker's receive maximum may lower it).
    public var inflightWindow: Int
    /// Publishes waiting for an inflight slot before `publish` throws `tooManyQueuedPublishes`.
    public var maximumQueuedPublishes: Int
    /// The largest packet accepted from the broker; announced to a 5.0 broker in CONNECT.
    public var maximumPacketSize: Int
    /// Messages buffered per subscription stream; beyond it the newest are dropped (and counted).
    public var subscriptionBuffer: Int
    public var will: MQTTWill?
    /// Reconnect after a lost connection; nil: a lost connection fails everything that waits.
    public var reconnect: MQTTReconnectPolicy?
    /// TLS (swift-nio-ssl) when set; plain TCP otherwise.
    public var tls: TLSConfiguration?
    /// The name the broker's certificate must carry (and SNI); defaults to `host` unless it is an IP address.
    public var tlsServerHostname: String?
    /// Consumer flow control (5.0). When set, it is announced to the broker as Receive Maximum, and an
    /// incoming QoS 1 message is acknowledged (PUBACK) only when the caller passes it to
    /// `acknowledge(_:)`: a broker that honours Receive Maximum sends at most this many
    /// unacknowledged messages and keeps the rest. `nil`: PUBACK as soon as a message arrives.
    public var manualAcknowledgement: UInt16?

    public init(host: String, port: Int = 1883, clientID: String, version: MQTTVersion = .v5,
                username: String? = nil, password: [UInt8]? = nil, cleanStart: Bool = true,
                sessionExpirySeconds: UInt32 = 0, keepAliveSeconds: UInt16 = 60, pingTimeout: TimeAmount = .seconds(10),
                connectTimeout: TimeAmount = .seconds(10), inflightWindow: Int = MQTTLimits.defaultInflightWindow,
                maximumQueuedPublishes: Int = 10_000,
                maximumPacketSize: Int = MQTTLimits.defaultMaximumPacketSize,
                subscriptionBuffer: Int = MQTTLimits.defaultSubscriptionBuffer, will: MQTTWill? = nil,
                reconnect: MQTTReconnectPolicy? = nil, tls: TLSConfiguration? = nil,
                tlsServerHostname: String? = nil) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.version = version
        self.username = username
        self.password = password
        self.cleanStart = cleanStart
        self.sessionExpirySeconds = sessionExpirySeconds
        self.keepAliveSeconds = keepAliveSeconds
        self.pingTimeout = pingTimeout
        self.connectTimeout = connectTimeout
        self.inflightWindow = inflightWindow
        self.maximumQueuedPublishes = maximumQueuedPublishes
        self.maximumPacketSize = maximumPacketSize
        self.subscriptionBuffer = subscriptionBuffer
        self.will = will
        self.reconnect = reconnect
        self.tls = tls
        self.tlsServerHostname = tlsServerHostname
    }

    /// Whether the broker keeps our session across connections, so a reconnect resumes it.
    var resumesSession: Bool {
        version == .v5 ? sessionExpirySeconds > 0 : !cleanStart
    }
}

/// Exponential backoff between reconnect attempts.
public struct MQTTReconnectPolicy: Sendable {
    public var initialDelay: TimeAmount
    public var maximumDelay: TimeAmount
    /// nil: try for ever.
    public var maximumAttempts: Int?

    public init(initialDelay: TimeAmount = .milliseconds(100), maximumDelay: TimeAmount = .seconds(30),
                maximumAttempts: Int? = nil) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.maximumAttempts = maximumAttempts
    }

    func delay(attempt: Int) -> TimeAmount {
        let shift = min(attempt, 30)
        let nanos = initialDelay.nanoseconds.multipliedReportingOverflow(by: Int64(1) << shift)
        return nanos.overflow ? maximumDelay : .nanoseconds(min(nanos.partialValue, maximumDelay.nanoseconds))
    }
}

/// Counters a caller can read at any time.
public struct MQTTClientStatistics: Sendable, Equatable {
    public var connections = 0
    public var messagesReceived = 0
    /// Messages a full subscription stream could not take.
    public var messagesDropped = 0
    public var publishesAcknowledged = 0
    public var resentPublishes = 0
}

/// An MQTT 3.1.1 / 5.0 client on SwiftNIO. Every method may be called from any task; the protocol state lives on
/// one event loop (`MQTTClientStateMachine` inside an `MQTTSession`).
///
/// ```swift
/// let client = MQTTClient(configuration: .init(host: "127.0.0.1", port: 1883, clientID: "gw-1"))
/// try await client.connect()
/// let messages = try await client.subscribe([MQTTSubscription(filter: "fogledger/v1/devices/+/readings")])
/// try await client.publish(topic: "a/b", payload: ByteBuffer(string: "hi"), qos: .atLeastOnce)
/// for await m in messages { … }
/// await client.disconnect()
/// ```
public final class MQTTClient: Sendable {
    public let configuration: MQTTClientConfiguration
    public let eventLoop: any EventLoop
    private let session: MQTTSession

    public init(configuration: MQTTClientConfiguration,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        precondition(configuration.inflightWindow > 0 && configuration.inflightWindow <= 65_535)
        precondition(configuration.manualAcknowledgement != 0, "a Receive Maximum of 0 is a protocol error")
        self.configuration = configuration
        let loop = eventLoopGroup.next()
        self.eventLoop = loop
        self.session = MQTTSession(configuration: configuration, eventLoop: loop,
                                   connector: MQTTSession.tcpConnector(configuration: configuration))
    }

    /// Opens the connection and waits for CONNACK. Throws `connectionRefused` with the broker's code.
    @discardableResult
    public func connect() async throws -> MQTTConnAck {
        let session = self.session
        return try await eventLoop.flatSubmit { session.connect() }.get()
    }

    /// Publishes; for QoS 1 returns once the broker's PUBACK arrives. When the inflight window is full the call
    /// waits for a slot (backpressure).
    public func publish(topic: String, payload: ByteBuffer, qos: MQTTQoS = .atMostOnce, retain: Bool = false,
                        properties: MQTTProperties = MQTTProperties()) async throws {
        guard MQTTTopic.isValidName(topic) else { throw MQTTClientError.invalidArgument("topic name \(topic)") }
        let message = MQTTPublish(topic: topic, payload: payload, qos: qos, retain: retain, properties: properties)
        let session = self.session
        try await eventLoop.flatSubmit { session.publish(message) }.get()
    }

    public func publish(topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false)
        async throws
    {
        try await publish(topic: topic, payload: ByteBuffer(bytes: payload), qos: qos, retain: retain)
    }

    /// Subscribes and returns the messages whose topics match any of the filters, from SUBACK on. Incoming QoS 1
    /// messages are acknowledged with PUBACK. The stream ends when the client disconnects for good.
    public func subscribe(_ subscriptions: [MQTTSubscription]) async throws -> AsyncStream<MQTTPublish> {
        let session = self.session
        return try await eventLoop.flatSubmit { session.subscribe(subscriptions) }.get()
    }

    public func subscribe(_ filter: String, qos: MQTTQoS = .atLeastOnce) async throws -> AsyncStream<MQTTPublish> {
        try await subscribe([MQTTSubscription(filter: filter, qos: qos)])
    }

    /// Acknowledges a QoS 1 message received under ``MQTTClientConfiguration/manualAcknowledgement``
    /// (PUBACK), once the caller is done with it; nothing for QoS 0 or without manual acknowledgement.
    /// A message that arrived before a reconnect is not acknowledged: the broker sends it again.
    public func acknowledge(_ message: MQTTPublish) async {
        let session = self.session
        try? await eventLoop.submit { session.acknowledge(message) }.get()
    }

    public func unsubscribe(_ filters: [String]) async throws {
        let session = self.session
        try await eventLoop.flatSubmit { session.unsubscribe(filters) }.get()
    }

    /// Sends DISCONNECT and closes; everything still waiting fails with `connectionClosed`.
    public func disconnect() async {
        let session = self.session
        try? await eventLoop.flatSubmit { session.disconnect() }.get()
    }

    public var statistics: MQTTClientStatistics {
        get async {
            let session = self.session
            return (try? await eventLoop.submit { session.statistics }.get()) ?? MQTTClientStatistics()
        }
    }

    /// Whether a connection is open and its CONNACK accepted.
    public var isConnected: Bool {
        get async {
            let session = self.session
            return (try? await eventLoop.submit { session.machine.state == .connected }.get()) ?? false
        }
    }
}

