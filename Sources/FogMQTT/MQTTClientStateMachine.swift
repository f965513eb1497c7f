public import NIOCore

/// Why a client operation or connection failed.
public enum MQTTClientError: Error, Sendable, Equatable {
    /// The broker refused the connection: a 3.1.1 return code or 5.0 reason code.
    case connectionRefused(reasonCode: UInt8)
    /// The broker sent something the protocol forbids; the connection was closed.
    case protocolViolation(String)
    /// The broker's bytes were malformed; the connection was closed.
    case malformed(MQTTCodecError)
    /// No PINGRESP came within the ping timeout; the connection was closed.
    case keepAliveTimeout
    /// No CONNACK came within the connect timeout.
    case connectTimeout
    /// The broker sent DISCONNECT (MQTT 5 reason code).
    case serverDisconnected(reasonCode: UInt8)
    /// The connection is closed (or closed while the operation waited).
    case connectionClosed
    /// The broker answered a publish with a failure reason code (MQTT 5, ≥ 0x80).
    case publishFailed(reasonCode: UInt8)
    /// The broker refused a subscription (SUBACK failure code ≥ 0x80).
    case subscribeFailed(reasonCodes: [UInt8])
    /// More publishes are waiting for a free inflight slot than `maximumQueuedPublishes`.
    case tooManyQueuedPublishes
    /// The packet would exceed the maximum packet size the broker announced.
    case packetTooLarge(size: Int, maximum: Int)
    /// The broker announced a maximum QoS lower than the publish asked for.
    case qosNotSupported
    /// Every packet identifier is in use.
    case packetIdentifiersExhausted
    case invalidArgument(String)
    /// The transport failed (a socket error, a failed TLS handshake); the description of the underlying error.
    case transport(String)
}

/// The client side of one MQTT connection, with no IO: it allocates packet identifiers, tracks unacknowledged
/// QoS 1 publishes (the inflight window), pending SUBSCRIBE/UNSUBSCRIBE, and keep-alive, and answers every
/// input with the actions its shell (`MQTTConnectionHandler`) must perform. Time arrives as `now`.
///
/// Inflight publishes survive `connectionLost()` so that a reconnect with a resumed session can resend them
/// with DUP set (MQTT 5.0 §4.4).
public struct MQTTClientStateMachine: Sendable {
    public struct Configuration: Sendable {
        public var version: MQTTVersion
        /// Our own cap on unacknowledged QoS 1 publishes; the broker's receive maximum may lower it.
        public var inflightWindow: Int
        /// Keep-alive sent in CONNECT; 0 turns keep-alive off. A 5.0 broker may override it.
        public var keepAliveSeconds: UInt16
        /// How long a PINGREQ may go unanswered before the connection is closed.
        public var pingTimeout: TimeAmount

        public init(version: MQTTVersion, inflightWindow: Int = MQTTLimits.defaultInflightWindow,
                    keepAliveSeconds: UInt16 = 60, pingTimeout: TimeAmount = .seconds(10)) {
            precondition(inflightWindow > 0 && inflightWindow <= 65_535)
            self.version = version
            self.inflightWindow = inflightWindow
            self.keepAliveSeconds = keepAliveSeconds
            self.pingTimeout = pingTimeout
        }
    }

    public enum Action: Sendable, Equatable {
        case send(MQTTPacket)
        /// CONNACK accepted: the session is open.
        case connected(MQTTConnAck)
        /// A QoS 1 publish was acknowledged (reason code ≥ 0x80 is a failure in 5.0).
        case publishAcknowledged(packetID: UInt16, reasonCode: UInt8)
        case subscribeAcknowledged(MQTTSubAck)
        case unsubscribeAcknowledged(MQTTUnsubAck)
        /// An application message for the subscribers.
        case deliver(MQTTPublish)
        /// Close the connection and fail what waits on it.
        case close(MQTTClientError)
    }

    public enum State: Sendable, Equatable { case idle, connecting, connected, closed }

    public let configuration: Configuration
    public private(set) var state: State = .idle
    /// Unacknowledged QoS 1 publishes in the order they were first sent.
    public private(set) var inflight: [MQTTPublish] = []
    private var pendingSubscribes: [UInt16] = []
    private var pendingUnsubscribes: [UInt16] = []
    private var lastPacketID: UInt16 = 0
    private var lastSent: NIODeadline = .uptimeNanoseconds(0)
    private var pingSentAt: NIODeadline?
    /// The broker's limits from a 5.0 CONNACK.
    public private(set) var serverReceiveMaximum: Int = 65_535
    public private(set) var serverMaximumPacketSize: Int = MQTTLimits.maximumVariableByteInteger + 5
    public private(set) var serverMaximumQoS: MQTTQoS = .atLeastOnce
    public private(set) var keepAliveSeconds: UInt16

    public init(configuration: Configuration) {
        self.configuration = configuration
        self.keepAliveSeconds = configuration.keepAliveSeconds
    }

    /// How many QoS 1 publishes may be unacknowledged at once on this connection.
    public var inflightLimit: Int { min(configuration.inflightWindow, serverReceiveMaximum) }
    public var hasInflightSpace: Bool { inflight.count < inflightLimit }

    // MARK: connection

    public mutating func connect(_ packet: MQTTConnect, now: NIODeadline) -> [Action] {
        precondition(state == .idle || state == .closed, "connect while \(state)")
        precondition(packet.version == configuration.version)
        state = .connecting
        pendingSubscribes = []
        pendingUnsubscribes = []
        pingSentAt = nil
        lastSent = now
        return [.send(.connect(packet))]
    }

    /// The connection went away (closed by either side). Pending subscribes are forgotten; inflight publishes
    /// are kept for a resumed session. Returns nothing; the shell fails its own waiters.
    public mutating func connectionLost() {
        state = .closed
        pendingSubscribes = []
        pendingUnsubscribes = []
        pingSentAt = nil
    }

    /// Forgets inflight publishes (a clean start, or giving up); returns their packet ids.
    public mutating func discardInflight() -> [UInt16] {
        defer { inflight = [] }
        return inflight.compactMap(\.packetID)
    }

    public mutating func disconnect() -> [Action] {
        guard state == .connected || state == .connecting else { return [] }
        state = .closed
        return [.send(.disconnect(MQTTDisconnect()))]
    }

    // MARK: outgoing

    /// Starts a publish. QoS 1 needs a free inflight slot (`hasInflightSpace`); the caller waits otherwise.
    /// Returns the packet as sent (with its packet id).
    public mutating func publish(_ message: MQTTPublish, now: NIODeadline) throws(MQTTClientError) -> MQTTPublish {
        guard state == .connected else { throw .connectionClosed }
        guard message.qos <= serverMaximumQoS else { throw .qosNotSupported }
        var p = message
        p.dup = false
        if p.qos == .atLeastOnce {
            precondition(hasInflightSpace, "publish without inflight space")
            p.packetID = try allocatePacketID()
            inflight.append(p)
        } else {
            p.packetID = nil
        }
        try checkSize(.publish(p))
        lastSent = now
        return p
    }

    public mutating func subscribe(_ subscriptions: [MQTTSubscription], properties: MQTTProperties = MQTTProperties(),
                                   now: NIODeadline) throws(MQTTClientError) -> MQTTSubscribe
    {
        guard state == .connected else { throw .connectionClosed }
        guard !subscriptions.isEmpty else { throw .invalidArgument("no topic filters") }
        for s in subscriptions where !MQTTTopic.isValidFilter(s.filter) { throw .invalidArgument("filter \(s.filter)") }
        let packet = MQTTSubscribe(packetID: try allocatePacketID(), subscriptions: subscriptions, properties: properties)
        try checkSize(.subscribe(packet))
        pendingSubscribes.append(packet.packetID)
        lastSent = now
        return packet
    }

    public mutating func unsubscribe(_ filters: [String], now: NIODeadline) throws(MQTTClientError) -> MQTTUnsubscribe {
        guard state == .connected else { throw .connectionClosed }
        guard !filters.isEmpty else { throw .invalidArgument("no topic filters") }
        for f in filters where !MQTTTopic.isValidFilter(f) { throw .invalidArgument("filter \(f)") }
        let packet = MQTTUnsubscribe(packetID: try allocatePacketID(), filters: filters)
        pendingUnsubscribes.append(packet.packetID)
        lastSent = now
        return packet
    }

    private func checkSize(_ packet: MQTTPacket) throws(MQTTClientError) {
        var b = ByteBuffer()
        do { try packet.encode(version: configuration.version, into: &b) } catch {
            throw .invalidArgument("\(error)")
        }
        guard b.readableBytes <= serverMaximumPacketSize else {
            throw .packetTooLarge(size: b.readableBytes, maximum: serverMaximumPacketSize)
        }
    }

    private mutating func allocatePacketID() throws(MQTTClientError) -> UInt16 {
        for _ in 0..<65_535 {
            lastPacketID = lastPacketID == 65_535 ? 1 : lastPacketID + 1
            let id = lastPacketID
            if !inflight.contains(where: { $0.packetID == id }) && !pendingSubscribes.contains(id)
                && !pendingUnsubscribes.contains(id)
            {
                return id
            }
        }
        throw .packetIdentifiersExhausted
    }

    // MARK: incoming

    public mutating func receive(_ packet: MQTTPacket, now: NIODeadline) -> [Action] {
        switch state {
        case .idle, .closed:
            return []
        case .connecting:
            guard case .connack(let ack) = packet else {
                return fail(.protocolViolation("expected CONNACK, got packet type \(packet.packetType)"))
            }
            guard ack.reasonCode == 0 else { return fail(.connectionRefused(reasonCode: ack.reasonCode)) }
            state = .connected
            if configuration.version == .v5 {
                if let r = ack.properties.receiveMaximum { serverReceiveMaximum = Int(r) }
                if let m = ack.properties.maximumPacketSize { serverMaximumPacketSize = Int(m) }
                if let q = ack.properties.maximumQoS { serverMaximumQoS = MQTTQoS(rawValue: q) ?? .atLeastOnce }
                if let k = ack.properties.serverKeepAlive { keepAliveSeconds = k }
            }
            var actions: [Action] = [.connected(ack)]
            // Resend unacknowledged QoS 1 publishes, in order, with DUP set (MQTT 5.0 §4.4, 3.1.1 §4.4).
            for i in inflight.indices {
                inflight[i].dup = true
                actions.append(.send(.publish(inflight[i])))
            }
            if !inflight.isEmpty { lastSent = now }
            return actions
        case .connected:
            return receiveConnected(packet, now: now)
        }
    }

    private mutating func receiveConnected(_ packet: MQTTPacket, now: NIODeadline) -> [Action] {
        switch packet {
        case .publish(let p):
            if p.properties.items.contains(where: { if case .topicAlias = $0 { true } else { false } }) {
                // We announce no topic alias maximum, so the broker may send none (MQTT 5.0 §3.3.2.3.4).
                return fail(.protocolViolation("topic alias received"))
            }
            var actions: [Action] = [.deliver(p)]
            if p.qos == .atLeastOnce, let id = p.packetID {
                actions.append(.send(.puback(MQTTPubAck(packetID: id))))
                lastSent = now
            }
            return actions
        case .puback(let ack):
            guard let i = inflight.firstIndex(where: { $0.packetID == ack.packetID }) else { return [] }
            inflight.remove(at: i)
            return [.publishAcknowledged(packetID: ack.packetID, reasonCode: ack.reasonCode)]
        case .suback(let ack):
            guard let i = pendingSubscribes.firstIndex(of: ack.packetID) else {
                return fail(.protocolViolation("SUBACK for unknown packet id \(ack.packetID)"))
            }
            pendingSubscribes.remove(at: i)
            return [.subscribeAcknowledged(ack)]
        case .unsuback(let ack):
            guard let i = pendingUnsubscribes.firstIndex(of: ack.packetID) else {
                return fail(.protocolViolation("UNSUBACK for unknown packet id \(ack.packetID)"))
            }
            pendingUnsubscribes.remove(at: i)
            return [.unsubscribeAcknowledged(ack)]
        case .pingresp:
            pingSentAt = nil
            return []
        case .disconnect(let d):
            return fail(.serverDisconnected(reasonCode: d.reasonCode))
        case .connect, .connack, .subscribe, .unsubscribe, .pingreq:
            return fail(.protocolViolation("a broker may not send packet type \(packet.packetType)"))
        }
    }

    /// The decoder rejected the broker's bytes.
    public mutating func malformed(_ error: MQTTCodecError) -> [Action] {
        fail(.malformed(error))
    }

    private mutating func fail(_ error: MQTTClientError) -> [Action] {
        state = .closed
        pingSentAt = nil
        return [.close(error)]
    }

    // MARK: time

    /// Keep-alive: a PINGREQ when nothing was sent for the keep-alive interval; closes when a PINGREQ
    /// stays unanswered for `pingTimeout`.
    public mutating func tick(now: NIODeadline) -> [Action] {
        guard state == .connected else { return [] }
        if let sent = pingSentAt {
            return now - sent >= configuration.pingTimeout ? fail(.keepAliveTimeout) : []
        }
        guard keepAliveSeconds > 0, now - lastSent >= .seconds(Int64(keepAliveSeconds)) else { return [] }
        pingSentAt = now
        lastSent = now
        return [.send(.pingreq)]
    }
}
