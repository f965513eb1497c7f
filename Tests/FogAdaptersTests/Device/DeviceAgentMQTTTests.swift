import FogCore
import FogCrypto
import FogDevice
import FogDeviceKit
import FogMQTT
import FogTestSupport
import FogTypes
import Foundation
import NIOCore
import Synchronization
import Testing

/// The device agent over MQTT against a real Mosquitto on 127.0.0.1. The test plays the node's
/// gateway: it reads the readings topic and answers on the acks topic as the contract says.
@Suite("Device agent over MQTT against Mosquitto", .heavy, .serialized, .timeLimit(.minutes(2)),
       .enabled(if: TestEnvironment.runsMosquittoTests, "mosquitto is not installed"))
struct DeviceAgentMQTTTests {
    /// What a gateway answers for one envelope: nil for no answer.
    typealias Answer = @Sendable (Signed<Reading>) -> String?

    /// Values shared between a test and closures that run elsewhere.
    final class Shared<Value: Sendable>: Sendable {
        private let value: Mutex<Value>
        init(_ value: Value) { self.value = Mutex(value) }
        func update<T>(_ body: (inout Value) -> T) -> T { value.withLock { body(&$0) } }
        var current: Value { value.withLock { $0 } }
    }

    /// A stand-in gateway: records each envelope that arrives and publishes `answer`'s JSON.
    final class Gateway: Sendable {
        let client: MQTTClient
        let received: Shared<[Signed<Reading>]>
        private let task: Task<Void, Never>

        init(broker: MosquittoBroker, device: Address, answer: @escaping Answer) async throws {
            let client = MQTTClient(configuration: MQTTClientConfiguration(
                host: "127.0.0.1", port: broker.port, clientID: "gateway-\(UUID().uuidString.prefix(8))",
                connectTimeout: .seconds(5)))
            try await client.connect()
            let stream = try await client.subscribe(DeviceTopics.readings(device))
            let received = Shared<[Signed<Reading>]>([])
            self.client = client
            self.received = received
            task = Task {
                for await message in stream {
                    guard let signed = try? Signed<Reading>(decoding: Array(message.payload.readableBytesView)) else { continue }
                    received.update { $0.append(signed) }
                    if let json = answer(signed) {
                        try? await client.publish(topic: DeviceTopics.acks(device), payload: Array(json.utf8), qos: .atLeastOnce)
                    }
                }
            }
        }

        var sequences: [UInt64] { received.current.map(\.object.sequence) }

        func stop() async {
            task.cancel()
            await client.disconnect()
        }
    }

    static func committed(_ signed: Signed<Reading>) -> String {
        #"{"status":"committed","tx":"\#(signed.payloadHash.hex)","height":\#(signed.object.sequence)}"#
    }

    static func agent(_ folder: String, _ broker: MosquittoBroker, timeoutMillis: UInt64 = 15_000) throws -> DeviceAgent {
        let transport = MQTTTransport(broker: BrokerAddress(url: "mqtt://127.0.0.1:\(broker.port)")!,
                                      device: DeviceKitFixture.device)
        return try DeviceAgent(directory: folder, chainID: DeviceKitFixture.chain, signer: DeviceKitFixture.signer,
                               transport: transport,
                               configuration: DeviceAgentConfiguration(batch: .single, queue: QueueLimits(inflightWindow: 8),
                                                                       answerTimeoutMillis: timeoutMillis))
    }

    /// Collects events until `done` says so, within `seconds`.
    static func events(_ agent: DeviceAgent, seconds: Double = 10,
                       until done: @escaping @Sendable ([DeviceEvent]) -> Bool) async throws -> [DeviceEvent] {
        try await withTimeout(seconds, "device events") {
            var seen: [DeviceEvent] = []
            for await event in agent.events {
                seen.append(event)
                if done(seen) { break }
            }
            return seen
        }
    }

    @Test func readingsArriveInOrderSignedAndTheGatewaysAnswersSurface() async throws {
        let broker = try await MosquittoBroker()
        defer { broker.stop() }
        try await DeviceKitFixture.withFolder { folder in
            let gateway = try await Gateway(broker: broker, device: DeviceKitFixture.device) { signed in
                switch signed.object.sequence {
                case 3: return #"{"status":"rejected","tx":"\#(signed.payloadHash.hex)","code":"device-revoked","message":"revoked"}"#
                case 4: return #"{"status":"rejected","tx":"\#(signed.payloadHash.hex)","code":"already-committed","message":"resent"}"#
                case 5: return #"{"status":"rejected","tx":"\#(signed.payloadHash.hex)","code":"stale-sequence","message":"overtaken"}"#
                default: return Self.committed(signed)
                }
            }
            let agent = try Self.agent(folder, broker)
            await agent.start()
            for index in 0..<20 {
                try await agent.record(timeMillis: 1_000 + UInt64(index), content: .inline(.unsigned(UInt64(index))))
            }
            let events = try await Self.events(agent) { seen in
                seen.filter { if case .retrying = $0 { return false } else { return true } }.count == 20
            }
            #expect(gateway.sequences == Array(1...20))
            for signed in gateway.received.current {
                try signed.verify(with: DeviceKitFixture.key.publicKey)
            }
            var committed: [UInt64] = []
            var rejected: [UInt64: String] = [:]
            var alreadyRecorded: [UInt64] = []
            for event in events {
                switch event {
                case .committed(let summary, let height):
                    #expect(height == summary.sequences.lowerBound)
                    committed.append(summary.sequences.lowerBound)
                case .rejected(let summary, let code, _):
                    if let summary { rejected[summary.sequences.lowerBound] = code }
                case .alreadyRecorded(let summary):
                    alreadyRecorded.append(summary.sequences.lowerBound)
                default:
                    break
                }
            }
            #expect(committed == [1, 2] + Array(6...20))
            #expect(rejected == [3: "device-revoked", 5: "stale-sequence"], "stale-sequence is a rejection, never a recorded reading")
            #expect(alreadyRecorded == [4])
            #expect(await agent.queuedEnvelopes == 0)
            await agent.stop()
            await gateway.stop()
        }
    }

    @Test func aRestartResendsTheUnansweredQueueInOrder() async throws {
        let broker = try await MosquittoBroker()
        defer { broker.stop() }
        try await DeviceKitFixture.withFolder { folder in
            // First run: the gateway is silent, so nothing is answered; then the device stops.
            let silent = try await Gateway(broker: broker, device: DeviceKitFixture.device) { _ in nil }
            let first = try Self.agent(folder, broker)
            await first.start()
            for index in 0..<10 { try await first.record(timeMillis: UInt64(index), content: .inline(.unsigned(1))) }
            // Unanswered, at most the inflight window (8) is out at once.
            try await eventually(10, "8 readings at the broker") { silent.sequences.count == 8 }
            try await Task.sleep(for: .milliseconds(200))
            #expect(silent.sequences == Array(1...8))
            #expect(await first.queuedEnvelopes == 10)
            await first.stop()
            await silent.stop()

            // Second run on the same folder: everything is sent again, in order, and committed.
            let gateway = try await Gateway(broker: broker, device: DeviceKitFixture.device) { Self.committed($0) }
            let second = try Self.agent(folder, broker)
            #expect(await second.queuedEnvelopes == 10)
            #expect(await second.nextSequence == 11)
            await second.start()
            _ = try await Self.events(second) { seen in
                seen.filter { if case .committed = $0 { return true } else { return false } }.count == 10
            }
            #expect(gateway.sequences == Array(1...10))
            #expect(await second.queuedEnvelopes == 0)
            #expect(try await second.record(timeMillis: 99, content: .inline(.null)) == 11)
            await second.stop()
            await gateway.stop()
        }
    }

    @Test func anUnansweredEnvelopeIsSentAgainAfterTheTimeout() async throws {
        let broker = try await MosquittoBroker()
        defer { broker.stop() }
        try await DeviceKitFixture.withFolder { folder in
            // The gateway answers only the second copy of each envelope.
            let copies = Shared<[UInt64: Int]>([:])
            let gateway = try await Gateway(broker: broker, device: DeviceKitFixture.device) { signed in
                let seen = copies.update { counts -> Int in
                    counts[signed.object.sequence, default: 0] += 1
                    return counts[signed.object.sequence]!
                }
                return seen >= 2 ? Self.committed(signed) : nil
            }
            let agent = try Self.agent(folder, broker, timeoutMillis: 300)
            await agent.start()
            for index in 0..<3 { try await agent.record(timeMillis: UInt64(index), content: .inline(.unsigned(1))) }
            _ = try await Self.events(agent) { seen in
                seen.filter { if case .committed = $0 { return true } else { return false } }.count == 3
            }
            #expect(gateway.sequences == [1, 2, 3, 1, 2, 3])
            await agent.stop()
            await gateway.stop()
        }
    }
}

@Suite struct DeviceTransportParsingTests {
    @Test func brokerURLs() {
        #expect(BrokerAddress(url: "mqtt://127.0.0.1:1884") == BrokerAddress(url: "mqtt://127.0.0.1:1884/"))
        #expect(BrokerAddress(url: "mqtt://broker.local")?.port == 1883)
        #expect(BrokerAddress(url: "mqtts://broker.local")?.port == 8883)
        #expect(BrokerAddress(url: "mqtts://broker.local")?.tls == true)
        #expect(BrokerAddress(url: "http://broker.local") == nil)
        #expect(BrokerAddress(url: "mqtt://:1883") == nil)
        #expect(BrokerAddress(url: "mqtt://host:99999") == nil)
    }

    @Test func gatewayAnswers() {
        let id = SHA256Hasher.hash([1])
        #expect(AckMessage.parse(Array(#"{"status":"accepted","tx":"\#(id.hex)"}"#.utf8)) == .accepted(id))
        #expect(AckMessage.parse(Array(#"{"status":"committed","tx":"\#(id.hex)","height":7}"#.utf8)) == .committed(id, height: 7))
        #expect(AckMessage.parse(Array(#"{"status":"rejected","tx":null,"code":"malformed","message":"m"}"#.utf8))
                == .rejected(nil, code: "malformed", message: "m"))
        #expect(AckMessage.parse(Array(#"{"status":"committed","tx":"\#(id.hex)"}"#.utf8)) == nil)
        #expect(AckMessage.parse(Array(#"{"status":"accepted","tx":"zz"}"#.utf8)) == nil)
        #expect(AckMessage.parse(Array("not json".utf8)) == nil)
        #expect(AckMessage.parse([UInt8](repeating: 0x20, count: AckMessage.maxBytes + 1)) == nil)
    }
}
