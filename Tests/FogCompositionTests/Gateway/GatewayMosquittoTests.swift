import FogCrypto
import FogExecution
import FogGateway
import FogMQTT
import FogNode
import FogTestSupport
import FogTypes
import Testing

/// The MQTT gateway end to end: a real Mosquitto on 127.0.0.1, an in-process dev node with its
/// gateway, devices publishing with FogMQTT and with the stock `mosquitto_pub`.
@Suite(.heavy, .serialized, .enabled(if: LocalMosquitto.available))
struct GatewayWithMosquittoTests {
    static let sensor = DevChain.sensor
    static var readings: String { "fogledger/v1/devices/\(sensor.publicKey.address.hex)/readings" }
    static var acks: String { "fogledger/v1/devices/\(sensor.publicKey.address.hex)/acks" }

    static func tx(_ envelope: [UInt8]) -> String { SignedEnvelope.transactionID(of: envelope).hex }

    @Test(.timeLimit(.minutes(2))) func signedReadingsAreAcceptedThenCommitted() async throws {
        let harness = try await GatewayHarness()
        do {
            try await harness.register(Self.sensor, nonce: 0)
            let single = DevChain.reading(seq: 1)
            let batch = DevChain.batch(seqs: [2, 3, 4])
            let fromTool = DevChain.reading(seq: 5)
            try await harness.device.publish(topic: Self.readings, payload: single, qos: .atLeastOnce)
            try await harness.device.publish(topic: Self.readings, payload: batch, qos: .atLeastOnce)
            try await harness.broker.publishFile(fromTool, topic: Self.readings)
            for envelope in [single, batch, fromTool] {
                let accepted = try await harness.acks.waitFor(tx: Self.tx(envelope), status: "accepted")
                #expect(accepted.topic == Self.acks)
                let committed = try await harness.acks.waitFor(tx: Self.tx(envelope), status: "committed")
                let height = try #require(committed.height)
                #expect(committed.topic == Self.acks)
                guard case .committed(let stored) = try await harness.chain.node.status(of: try #require(Hash256(hex: Self.tx(envelope)))) else {
                    Issue.record("not committed")
                    continue
                }
                #expect(stored.location.height == UInt64(height) && stored.receipt.isOK)
            }
            // Accepted comes before committed, and each is sent once.
            for envelope in [single, batch, fromTool] {
                let statuses = harness.acks.all.filter { $0.tx == Self.tx(envelope) }.map(\.status)
                #expect(statuses == ["accepted", "committed"])
            }
            #expect(try harness.chain.store.device(Self.sensor.publicKey.address)?.lastSequence == 5)
            #expect(harness.metricsText().contains("fogledger_gateway_committed_acks_total 3"))
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test(.timeLimit(.minutes(2))) func badMessagesGetRejectedAcksAndTheConnectionStays() async throws {
        let harness = try await GatewayHarness()
        do {
            try await harness.register(Self.sensor, nonce: 0)
            let first = DevChain.reading(seq: 1)
            try await harness.device.publish(topic: Self.readings, payload: first, qos: .atLeastOnce)
            _ = try await harness.acks.waitFor(tx: Self.tx(first), status: "committed")

            var badSignature = DevChain.reading(seq: 2)
            badSignature[badSignature.count - 1] ^= 0x01
            let stranger = DevChain.reading(DevChain.stranger, seq: 1)
            let overtaken = DevChain.reading(seq: 1, value: 99)
            let oversize = [UInt8](repeating: 0x41, count: ObjectLimits.maxEnvelopeBytes + 1_000)
            let cases: [(payload: [UInt8], code: String, tx: String?)] = [
                (badSignature, "bad-signature", Self.tx(badSignature)),
                (first, "already-committed", Self.tx(first)),  // resent after its commit
                (overtaken, "stale-sequence", Self.tx(overtaken)),  // another reading with a number already taken
                (Array("garbage".utf8), "malformed", nil),
                (oversize, "limit-exceeded", nil),
                (stranger, "topic-mismatch", Self.tx(stranger)),
                (DevChain.registration(DevChain.stranger, nonce: 1), "wrong-object-type",
                 Self.tx(DevChain.registration(DevChain.stranger, nonce: 1))),
            ]
            for (index, item) in cases.enumerated() {
                if index % 2 == 0 {
                    try await harness.device.publish(topic: Self.readings, payload: item.payload, qos: .atLeastOnce)
                } else {
                    try await harness.broker.publishFile(item.payload, topic: Self.readings)
                }
                let ack = try await harness.acks.next(on: Self.acks, status: "rejected")
                #expect(ack.status == "rejected" && ack.code == item.code && ack.tx == item.tx, "case \(index): \(ack)")
            }
            // A device segment that is no address: rejected on that segment's acks topic.
            try await harness.device.publish(topic: "fogledger/v1/devices/NOT-HEX/readings", payload: first,
                                             qos: .atLeastOnce)
            let unknown = try await harness.acks.next(on: "fogledger/v1/devices/NOT-HEX/acks")
            #expect(unknown.status == "rejected" && unknown.code == "unknown-topic")

            // The same connection still serves good readings.
            let next = DevChain.reading(seq: 2)
            try await harness.device.publish(topic: Self.readings, payload: next, qos: .atLeastOnce)
            _ = try await harness.acks.waitFor(tx: Self.tx(next), status: "committed")
            let text = harness.metricsText()
            #expect(text.contains("fogledger_gateway_rejected_total{code=\"bad-signature\"} 1"))
            #expect(text.contains("fogledger_gateway_ack_failures_total 0"))
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test(.timeLimit(.minutes(2))) func aFullMempoolPausesTheGatewayWithoutLosingReadings() async throws {
        // Two envelopes at most in the mempool and a block every 100 ms: most publishes find it full.
        let harness = try await GatewayHarness(limits: MempoolLimits(maxCount: 2), minBlockInterval: .milliseconds(100))
        do {
            try await harness.register(Self.sensor, nonce: 0)
            let envelopes = (1...12).map { DevChain.reading(seq: UInt64($0)) }
            for envelope in envelopes {
                try await harness.device.publish(topic: Self.readings, payload: envelope, qos: .atLeastOnce)
            }
            for envelope in envelopes {
                _ = try await harness.acks.waitFor(tx: Self.tx(envelope), status: "committed", seconds: 30)
            }
            #expect(harness.acks.all.filter { $0.status == "rejected" && $0.tx != nil }.isEmpty)
            #expect(try harness.chain.store.device(Self.sensor.publicKey.address)?.lastSequence == 12)
            let text = harness.metricsText()
            #expect(text.contains("fogledger_gateway_paused 0.0"))
            let pausedLine = text.split(separator: "\n").first { $0.hasPrefix("fogledger_gateway_paused_seconds_total ") }
            let paused = pausedLine.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
            #expect(paused > 0)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}
