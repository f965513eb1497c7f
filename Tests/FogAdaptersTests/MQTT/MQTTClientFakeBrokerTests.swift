import FogMQTT
import NIOCore
import Synchronization
import Testing

private func config(_ port: Int, _ version: MQTTVersion = .v5, keepAlive: UInt16 = 60,
                    reconnect: MQTTReconnectPolicy? = nil, window: Int = 8) -> MQTTClientConfiguration {
    MQTTClientConfiguration(host: "127.0.0.1", port: port, clientID: "fake-test", version: version,
                            cleanStart: reconnect == nil, sessionExpirySeconds: reconnect == nil ? 0 : 300,
                            keepAliveSeconds: keepAlive, pingTimeout: .milliseconds(300),
                            connectTimeout: .seconds(2), inflightWindow: window, reconnect: reconnect)
}

/// Answers CONNECT with CONNACK (session present from the second connection on) and nothing else.
private func acceptConnect(_ packet: MQTTPacket, _ c: FakeBroker.Connection) -> Bool {
    guard case .connect = packet else { return false }
    c.send(.connack(MQTTConnAck(sessionPresent: c.index > 1)))
    return true
}

@Suite("MQTT client against a scripted broker", .timeLimit(.minutes(1)))
struct MQTTClientFakeBrokerTests {
    @Test("no PINGRESP: the client closes after the ping timeout and fails what waits")
    func pingTimeout() async throws {
        let broker = try FakeBroker(version: .v5) { packet, c in _ = acceptConnect(packet, c) }
        defer { broker.stop() }
        let client = MQTTClient(configuration: config(broker.port, keepAlive: 1))
        try await withTimeout(5) { try await client.connect() }
        let error = await #expect(throws: MQTTClientError.self) {
            try await withTimeout(5) {
                try await client.publish(topic: "t", payload: ByteBuffer(string: "never acked"), qos: .atLeastOnce)
            }
        }
        #expect(error == .keepAliveTimeout)
        #expect(broker.packets.contains { if case .pingreq = $0.packet { true } else { false } })
        #expect(await client.isConnected == false)
    }

    @Test("a publish after the keep-alive already failed reports why the connection was lost")
    func publishAfterPingTimeout() async throws {
        let broker = try FakeBroker(version: .v5) { packet, c in _ = acceptConnect(packet, c) }
        defer { broker.stop() }
        let client = MQTTClient(configuration: config(broker.port, keepAlive: 1))
        try await withTimeout(5) { try await client.connect() }
        try await eventually(10, "the keep-alive to fail") { await client.isConnected == false }
        let error = await #expect(throws: MQTTClientError.self) {
            try await withTimeout(5) { try await client.publish(topic: "t", payload: [1], qos: .atLeastOnce) }
        }
        #expect(error == .keepAliveTimeout)
    }

    @Test("a malformed frame from the broker closes the connection with a typed error")
    func malformedFromBroker() async throws {
        let broker = try FakeBroker(version: .v3_1_1) { packet, c in
            if case .publish = packet { c.sendRaw([0x40, 0x01, 0x00]) }  // a truncated PUBACK
            _ = acceptConnect(packet, c)
        }
        defer { broker.stop() }
        let client = MQTTClient(configuration: config(broker.port, .v3_1_1))
        try await withTimeout(5) { try await client.connect() }
        let error = await #expect(throws: MQTTClientError.self) {
            try await withTimeout(5) { try await client.publish(topic: "t", payload: [1], qos: .atLeastOnce) }
        }
        #expect(error == .malformed(.truncated))
    }

    @Test("the inflight window holds back QoS 1 publishes until PUBACKs free slots")
    func backpressure() async throws {
        let held = Mutex<[UInt16]>([])
        let broker = try FakeBroker(version: .v5) { packet, c in
            if case .publish(let p) = packet, let id = p.packetID { held.withLock { $0.append(id) } }
            _ = acceptConnect(packet, c)
        }
        defer { broker.stop() }
        let client = MQTTClient(configuration: config(broker.port, window: 2))
        try await withTimeout(5) { try await client.connect() }
        try await withTimeout(10) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<5 {
                    group.addTask {
                        try await client.publish(topic: "t/\(i)", payload: [UInt8(i)], qos: .atLeastOnce)
                    }
                }
                try await eventually(5, "two publishes") { held.withLock { $0.count } == 2 }
                try await Task.sleep(for: .milliseconds(100))
                #expect(held.withLock { $0.count } == 2, "a third publish went out with the window full")
                // Acknowledge in batches; each frees the window for the next.
                var acked = 0
                while acked < 5 {
                    let ids = held.withLock { h in defer { h = [] }; return h }
                    let connection = FakeBroker.Connection(index: 1, channel: try #require(broker.lastChannel))
                    for id in ids { connection.send(.puback(MQTTPubAck(packetID: id))) }
                    acked += ids.count
                    if acked < 5 { try await eventually(5, "more publishes") { held.withLock { !$0.isEmpty } } }
                    #expect(held.withLock { $0.count } <= 2)
                }
                try await group.waitForAll()
            }
        }
        let stats = await client.statistics
        #expect(stats.publishesAcknowledged == 5)
        await client.disconnect()
    }

    @Test("reconnect resumes the session: unacknowledged QoS 1 publishes are resent with DUP")
    func resumption() async throws {
        let broker = try FakeBroker(version: .v5) { packet, c in
            if acceptConnect(packet, c) { return }
            if case .publish(let p) = packet {
                if c.index == 1 {
                    c.close()  // drop the connection before acknowledging
                } else if let id = p.packetID {
                    c.send(.puback(MQTTPubAck(packetID: id)))
                }
            }
        }
        defer { broker.stop() }
        let client = MQTTClient(configuration: config(
            broker.port, reconnect: MQTTReconnectPolicy(initialDelay: .milliseconds(20), maximumAttempts: 5)))
        try await withTimeout(5) { try await client.connect() }
        try await withTimeout(5) {
            try await client.publish(topic: "fogledger/v1/devices/d1/readings", payload: [7], qos: .atLeastOnce)
        }
        let packets = broker.packets
        let connects = packets.compactMap { if case .connect(let c) = $0.packet { c } else { nil } }
        #expect(connects.count == 2)
        #expect(connects.first?.cleanStart == false && connects.last?.cleanStart == false)
        #expect(connects.last?.properties.sessionExpiryInterval == 300)
        let publishes = packets.compactMap { entry -> (Int, MQTTPublish)? in
            if case .publish(let p) = entry.packet { (entry.connection, p) } else { nil }
        }
        #expect(publishes.count == 2)
        #expect(publishes.first?.1.dup == false && publishes.last?.1.dup == true)
        #expect(publishes.first?.1.packetID == publishes.last?.1.packetID)
        #expect(publishes.last?.0 == 2)
        let stats = await client.statistics
        #expect(stats.connections == 2)
        #expect(stats.resentPublishes == 1)
        await client.disconnect()
    }

    @Test("a lost connection without a reconnect policy fails waiting publishes; a refused CONNECT throws its code")
    func lostAndRefused() async throws {
        let broker = try FakeBroker(version: .v3_1_1) { packet, c in
            if case .connect(let connect) = packet {
                c.send(.connack(MQTTConnAck(reasonCode: connect.clientID == "bad" ? 2 : 0)))
            }
            if case .publish = packet { c.close() }
        }
        defer { broker.stop() }
        let client = MQTTClient(configuration: config(broker.port, .v3_1_1))
        try await withTimeout(5) { try await client.connect() }
        await #expect(throws: MQTTClientError.connectionClosed) {
            try await withTimeout(5) { try await client.publish(topic: "t", payload: [1], qos: .atLeastOnce) }
        }
        let bad = {
            var c = config(broker.port, .v3_1_1)
            c.clientID = "bad"
            return c
        }()
        await #expect(throws: MQTTClientError.connectionRefused(reasonCode: 2)) {
            try await withTimeout(5) { try await MQTTClient(configuration: bad).connect() }
        }
    }
}
