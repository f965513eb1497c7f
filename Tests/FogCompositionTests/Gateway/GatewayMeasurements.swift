import FogCrypto
import FogExecution
import FogMQTT
import FogTypes
import Foundation
import NIOCore
import Testing

/// Rough numbers for docs/benchmarks.md, not a test with thresholds: run with FOGLEDGER_MEASURE=1.
/// A real Mosquitto on 127.0.0.1; first its own QoS 0 rate (a FogMQTT publisher and subscriber pair,
/// 200-byte messages), then readings through the gateway into an in-process dev node (in-memory
/// store): eight devices, each publishing its readings in order with QoS 1.
@Suite(.serialized) struct GatewayMeasurements {
    static var enabled: Bool { ProcessInfo.processInfo.environment["FOGLEDGER_MEASURE"] != nil && LocalMosquitto.available }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    @Test(.enabled(if: enabled), .timeLimit(.minutes(5))) func mosquittoQoS0Rate() async throws {
        let broker = try await LocalMosquitto()
        defer { broker.stop() }
        let count = 100_000
        let subscriber = MQTTClient(configuration: MQTTClientConfiguration(
            host: "127.0.0.1", port: broker.port, clientID: "measure-sub", subscriptionBuffer: count))
        let publisher = MQTTClient(configuration: MQTTClientConfiguration(
            host: "127.0.0.1", port: broker.port, clientID: "measure-pub"))
        try await subscriber.connect()
        try await publisher.connect()
        let stream = try await subscriber.subscribe("measure/qos0", qos: .atMostOnce)
        let payload = ByteBuffer(bytes: [UInt8](repeating: 0x5a, count: 200))
        let start = ContinuousClock.now
        let receiving = Task {
            var received = 0
            for await _ in stream {
                received += 1
                if received == count { break }
            }
            return (received, ContinuousClock.now)
        }
        for _ in 0..<count {
            try await publisher.publish(topic: "measure/qos0", payload: payload, qos: .atMostOnce)
        }
        let published = ContinuousClock.now
        // QoS 0 may lose messages: stop waiting a second after the last publish.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(1))
            await subscriber.disconnect()
        }
        let (received, end) = await receiving.value
        watchdog.cancel()
        let elapsed = Self.seconds(end - start)
        print("""
            [measure] mosquitto QoS 0, 200-byte messages, one FogMQTT publisher and subscriber: \
            \(received)/\(count) received in \(String(format: "%.2f", elapsed)) s = \
            \(Int(Double(received) / elapsed)) messages/s (published at \
            \(Int(Double(count) / Self.seconds(published - start)))/s)
            """)
        await publisher.disconnect()
        await subscriber.disconnect()
    }

    @Test(.enabled(if: enabled), .timeLimit(.minutes(5))) func readingsThroughTheGateway() async throws {
        try await ingest(perDevice: 250, batch: 1)
        try await ingest(perDevice: 40, batch: 50)
    }

    /// Eight devices publish `perDevice` envelopes of `batch` readings each; prints readings/s and
    /// publish → committed-ack latency percentiles.
    func ingest(perDevice: Int, batch: Int) async throws {
        let harness = try await GatewayHarness(ackBuffer: 100_000)
        do {
            let devices = (0..<8).map { try! PrivateKey(algorithm: .ed25519, seed: [UInt8(60 + $0)] + (1...31).map { UInt8($0) }) }
            for (index, device) in devices.enumerated() { try await harness.register(device, nonce: UInt64(index)) }
            let envelopes: [[(tx: String, bytes: [UInt8])]] = devices.map { device in
                (0..<perDevice).map { round in
                    let seqs = (1...batch).map { UInt64(round * batch + $0) }
                    let bytes = batch == 1 ? DevChain.reading(device, seq: seqs[0]) : DevChain.batch(device, seqs: seqs)
                    return (SignedEnvelope.transactionID(of: bytes).hex, bytes)
                }
            }
            let client = harness.device
            let start = ContinuousClock.now
            let sent = try await withThrowingTaskGroup(of: [(String, ContinuousClock.Instant)].self) { group in
                for (device, list) in zip(devices, envelopes) {
                    let topic = "fogledger/v1/devices/\(device.publicKey.address.hex)/readings"
                    group.addTask {
                        var times: [(String, ContinuousClock.Instant)] = []
                        for envelope in list {
                            times.append((envelope.tx, .now))
                            try await client.publish(topic: topic, payload: envelope.bytes, qos: .atLeastOnce)
                        }
                        return times
                    }
                }
                var all: [(String, ContinuousClock.Instant)] = []
                for try await times in group { all += times }
                return all
            }
            let total = sent.count
            try await withDeadline(240, "\(total) committed acks") {
                while harness.acks.all.count(where: { $0.status == "committed" }) < total {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            let committed = Dictionary(harness.acks.all.filter { $0.status == "committed" }.map { ($0.tx ?? "", $0.arrival) },
                                       uniquingKeysWith: { first, _ in first })
            let latencies = sent.compactMap { tx, at in committed[tx].map { Self.seconds($0 - at) * 1000 } }.sorted()
            let end = committed.values.max() ?? start
            let readings = total * batch
            let elapsed = Self.seconds(end - start)
            func percentile(_ p: Double) -> String {
                String(format: "%.1f", latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))])
            }
            print("""
                [measure] gateway, 8 devices, \(total) envelopes of \(batch) reading(s): \(readings) readings in \
                \(String(format: "%.2f", elapsed)) s = \(Int(Double(readings) / elapsed)) readings/s; \
                publish → committed ack p50 \(percentile(0.5)) ms, p99 \(percentile(0.99)) ms
                """)
            #expect(latencies.count == total)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}
