import FogMQTT
import FogTestSupport
import NIOCore
import NIOSSL
import Testing

private func client(_ broker: MosquittoBroker, _ version: MQTTVersion, id: String, keepAlive: UInt16 = 30,
                    username: String? = nil, password: String? = nil) -> MQTTClient {
    MQTTClient(configuration: MQTTClientConfiguration(
        host: "127.0.0.1", port: broker.port, clientID: id, version: version, username: username,
        password: password.map { Array($0.utf8) }, keepAliveSeconds: keepAlive, connectTimeout: .seconds(5)))
}

/// Against a real Mosquitto on 127.0.0.1, started per test with a generated config. Skipped (with a message)
/// when mosquitto is not installed, except under CI=true, where its absence fails.
@Suite("MQTT client against Mosquitto", .heavy, .serialized, .timeLimit(.minutes(2)),
       .enabled(if: TestEnvironment.runsMosquittoTests, "mosquitto is not installed"))
struct MQTTMosquittoTests {
    @Test("connect, subscribe, publish QoS 0 and 1, round trip", arguments: [MQTTVersion.v3_1_1, .v5])
    func roundTrip(version: MQTTVersion) async throws {
        let broker = try await MosquittoBroker()
        defer { broker.stop() }
        let c = client(broker, version, id: "rt-\(version.rawValue)")
        let ack = try await withTimeout(5) { try await c.connect() }
        #expect(ack.reasonCode == 0)
        let stream = try await withTimeout(5) { try await c.subscribe("fogledger/v1/devices/+/readings") }
        try await withTimeout(5) {
            try await c.publish(topic: "fogledger/v1/devices/d1/readings", payload: ByteBuffer(string: "q0"))
            try await c.publish(topic: "fogledger/v1/devices/d2/readings", payload: ByteBuffer(string: "q1"),
                                qos: .atLeastOnce)
            try await c.publish(topic: "fogledger/v1/devices/d2/acks", payload: ByteBuffer(string: "not matched"))
        }
        let got = try await collect(stream, count: 2, seconds: 5)
        #expect(got.map(\.topic) == ["fogledger/v1/devices/d1/readings", "fogledger/v1/devices/d2/readings"])
        #expect(got.map { String(buffer: $0.payload) } == ["q0", "q1"])
        #expect(got.map(\.qos) == [.atMostOnce, .atLeastOnce])
        try await withTimeout(5) { try await c.unsubscribe(["fogledger/v1/devices/+/readings"]) }
        await c.disconnect()
        #expect(await c.isConnected == false)
    }

    @Test("1,000 QoS 1 messages arrive in order", arguments: [MQTTVersion.v3_1_1, .v5])
    func thousandInOrder(version: MQTTVersion) async throws {
        let broker = try await MosquittoBroker()
        defer { broker.stop() }
        let subscriber = client(broker, version, id: "sub-\(version.rawValue)")
        let publisher = client(broker, version, id: "pub-\(version.rawValue)")
        try await withTimeout(5) {
            try await subscriber.connect()
            try await publisher.connect()
        }
        let stream = try await withTimeout(5) { try await subscriber.subscribe("bulk/#", qos: .atLeastOnce) }
        let count = 1_000
        let sending = Task {
            // One sequential caller keeps the order; each QoS 1 publish waits for its PUBACK.
            for i in 0..<count {
                try await publisher.publish(topic: "bulk/\(version.rawValue)", payload: ByteBuffer(string: "\(i)"),
                                            qos: .atLeastOnce)
            }
        }
        let got = try await collect(stream, count: count, seconds: 30)
        try await withTimeout(10) { try await sending.value }
        #expect(got.map { String(buffer: $0.payload) } == (0..<count).map { "\($0)" })
        #expect(got.allSatisfy { $0.qos == .atLeastOnce })
        #expect(await publisher.statistics.publishesAcknowledged == count)
        await publisher.disconnect()
        await subscriber.disconnect()
    }

    @Test("500 concurrent QoS 1 publishes share the inflight window (capped by the broker's receive maximum)")
    func concurrentPublishes() async throws {
        let broker = try await MosquittoBroker()
        defer { broker.stop() }
        let subscriber = client(broker, .v5, id: "csub")
        let publisher = MQTTClient(configuration: MQTTClientConfiguration(
            host: "127.0.0.1", port: broker.port, clientID: "cpub", version: .v5, connectTimeout: .seconds(5),
            inflightWindow: 64, maximumQueuedPublishes: 1_000))
        let ack = try await withTimeout(5) {
            try await subscriber.connect()
            return try await publisher.connect()
        }
        #expect(ack.properties.receiveMaximum == 20)  // max_inflight_messages in the generated config
        let stream = try await withTimeout(5) { try await subscriber.subscribe("c/#") }
        let count = 500
        try await withTimeout(30) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<count {
                    group.addTask {
                        try await publisher.publish(topic: "c/\(i % 7)", payload: ByteBuffer(string: "\(i)"),
                                                    qos: .atLeastOnce)
                    }
                }
                try await group.waitForAll()
            }
        }
        let got = try await collect(stream, count: count, seconds: 30)
        #expect(Set(got.map { String(buffer: $0.payload) }) == Set((0..<count).map { "\($0)" }))
        #expect(await publisher.statistics.publishesAcknowledged == count)
        await publisher.disconnect()
        await subscriber.disconnect()
    }

    @Test("keep-alive: PINGREQ/PINGRESP keep an idle connection open")
    func keepAlive() async throws {
        let broker = try await MosquittoBroker()
        defer { broker.stop() }
        let c = client(broker, .v5, id: "ka", keepAlive: 1)
        try await withTimeout(5) { try await c.connect() }
        try await Task.sleep(for: .milliseconds(2_500))
        #expect(await c.isConnected)
        try await withTimeout(5) { try await c.publish(topic: "ka/t", payload: [1], qos: .atLeastOnce) }
        await c.disconnect()
    }

    @Test("interop: mosquitto_sub receives what the client publishes; the client receives mosquitto_pub",
          arguments: [MQTTVersion.v3_1_1, .v5])
    func interop(version: MQTTVersion) async throws {
        let broker = try await MosquittoBroker()
        defer { broker.stop() }
        let protocolFlag = version == .v5 ? "mqttv5" : "mqttv311"
        let c = client(broker, version, id: "interop-\(version.rawValue)")
        try await withTimeout(5) { try await c.connect() }

        // Retained, so mosquitto_sub gets it however late it subscribes.
        try await withTimeout(5) {
            try await c.publish(topic: "interop/out", payload: ByteBuffer(string: "from FogMQTT"), qos: .atLeastOnce,
                                retain: true)
        }
        let sub = try ToolProcess("mosquitto_sub", ["-h", "127.0.0.1", "-p", "\(broker.port)", "-V", protocolFlag,
                                                    "-t", "interop/out", "-q", "1", "-C", "1", "-W", "10"])
        defer { sub.terminate() }
        let (output, status) = try await sub.waitForExit(seconds: 15)
        #expect(status == 0)
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "from FogMQTT")

        let stream = try await withTimeout(5) { try await c.subscribe("interop/in") }
        let pub = try ToolProcess("mosquitto_pub", ["-h", "127.0.0.1", "-p", "\(broker.port)", "-V", protocolFlag,
                                                    "-t", "interop/in", "-q", "1", "-m", "from mosquitto_pub"])
        defer { pub.terminate() }
        let got = try await collect(stream, count: 1, seconds: 10)
        #expect(got.first.map { String(buffer: $0.payload) } == "from mosquitto_pub")
        #expect(got.first?.qos == .atLeastOnce)
        #expect(try await pub.waitForExit().1 == 0)
        await c.disconnect()
    }

    @Test("credentials: a password-file broker accepts the right password and refuses a wrong one",
          arguments: [MQTTVersion.v3_1_1, .v5])
    func credentials(version: MQTTVersion) async throws {
        let broker = try await MosquittoBroker(users: [("gateway", "s3cret")])
        defer { broker.stop() }
        let good = client(broker, version, id: "cred-ok", username: "gateway", password: "s3cret")
        try await withTimeout(5) { try await good.connect() }
        try await withTimeout(5) { try await good.publish(topic: "a/b", payload: [1], qos: .atLeastOnce) }
        await good.disconnect()

        let bad = client(broker, version, id: "cred-bad", username: "gateway", password: "wrong")
        let error = await #expect(throws: MQTTClientError.self) { try await withTimeout(5) { try await bad.connect() } }
        // 3.1.1: 5 not authorized (or 4 bad user name or password); 5.0: 0x86 or 0x87.
        let refusals: [UInt8] = version == .v5 ? [0x86, 0x87] : [4, 5]
        if case .connectionRefused(let code) = error {
            #expect(refusals.contains(code))
        } else {
            Issue.record("expected a refusal, got \(String(describing: error))")
        }
        let anonymous = client(broker, version, id: "anon")
        await #expect(throws: MQTTClientError.self) { try await withTimeout(5) { try await anonymous.connect() } }
    }

    @Test("TLS: the client verifies the broker's certificate against a given CA and refuses an unknown one",
          arguments: [MQTTVersion.v3_1_1, .v5])
    func tls(version: MQTTVersion) async throws {
        let broker = try await MosquittoBroker(tls: true)
        defer { broker.stop() }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(broker.caFile))
        let c = MQTTClient(configuration: MQTTClientConfiguration(
            host: "127.0.0.1", port: broker.port, clientID: "tls-\(version.rawValue)", version: version,
            connectTimeout: .seconds(5), tls: tls, tlsServerHostname: "localhost"))
        try await withTimeout(5) { try await c.connect() }
        let stream = try await withTimeout(5) { try await c.subscribe("secure/#") }
        try await withTimeout(5) {
            try await c.publish(topic: "secure/t", payload: ByteBuffer(string: "over TLS"), qos: .atLeastOnce)
        }
        let got = try await collect(stream, count: 1, seconds: 5)
        #expect(got.first.map { String(buffer: $0.payload) } == "over TLS")
        await c.disconnect()

        // The system trust store does not know the test CA.
        let untrusting = MQTTClient(configuration: MQTTClientConfiguration(
            host: "127.0.0.1", port: broker.port, clientID: "tls-untrusted", version: version,
            connectTimeout: .seconds(5), tls: .makeClientConfiguration(), tlsServerHostname: "localhost"))
        let error = await #expect(throws: MQTTClientError.self) {
            try await withTimeout(5) { try await untrusting.connect() }
        }
        if case .transport = error {} else { Issue.record("expected a transport (TLS) error, got \(String(describing: error))") }
    }
}
