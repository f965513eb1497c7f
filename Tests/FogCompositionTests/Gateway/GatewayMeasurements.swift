import FogCrypto
import FogExecution
import FogTestSupport
import FogTypes
import Foundation
import Testing

/// Rough numbers for docs/benchmarks.md, not a test with thresholds: run with FOGLEDGER_MEASURE=1.
/// A real Mosquitto on 127.0.0.1: its own QoS 0 rate with its stock tools (200-byte messages), then
/// readings through the gateway into an in-process dev node (in-memory store): one device at a time
/// for latency, and eight devices, each publishing its readings in order with QoS 1, for throughput.
@Suite(.heavy, .serialized) struct GatewayMeasurements {
    static var enabled: Bool { ProcessInfo.processInfo.environment["FOGLEDGER_MEASURE"] != nil && LocalMosquitto.available }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Mosquitto's own QoS 0 rate with its stock tools: `mosquitto_pub -l` publishes 100,000 lines of
    /// 200 bytes, `mosquitto_sub -C` exits once it has them all.
    @Test(.enabled(if: enabled), .timeLimit(.minutes(5))) func mosquittoQoS0Rate() async throws {
        let broker = try await LocalMosquitto()
        defer { broker.stop() }
        let count = 100_000
        let lines = broker.directory.appendingPathComponent("lines.txt")
        let line = String(repeating: "z", count: 200) + "\n"
        try Data(String(repeating: line, count: count).utf8).write(to: lines)
        let subscriber = Process()
        subscriber.executableURL = URL(fileURLWithPath: try #require(LocalMosquitto.executable("mosquitto_sub")))
        subscriber.arguments = ["-h", "127.0.0.1", "-p", "\(broker.port)", "-t", "measure/qos0", "-q", "0", "-C", "\(count)"]
        subscriber.standardOutput = FileHandle.nullDevice
        try subscriber.run()
        defer { if subscriber.isRunning { kill(subscriber.processIdentifier, SIGKILL) } }
        try await Task.sleep(for: .milliseconds(500))  // subscribed
        let publisher = Process()
        publisher.executableURL = URL(fileURLWithPath: try #require(LocalMosquitto.executable("mosquitto_pub")))
        publisher.arguments = ["-h", "127.0.0.1", "-p", "\(broker.port)", "-t", "measure/qos0", "-q", "0", "-l"]
        publisher.standardInput = try FileHandle(forReadingFrom: lines)
        let start = ContinuousClock.now
        try publisher.run()
        let deadline = start + .seconds(60)
        while subscriber.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
        let elapsed = Self.seconds(ContinuousClock.now - start)
        #expect(!subscriber.isRunning, "mosquitto_sub did not receive all \(count) messages (QoS 0 may drop)")
        print("""
            [measure] mosquitto QoS 0 (mosquitto_pub -l → mosquitto_sub -C), 200-byte messages: \
            \(count) in \(String(format: "%.2f", elapsed)) s = \(Int(Double(count) / elapsed)) messages/s
            """)
        if publisher.isRunning { kill(publisher.processIdentifier, SIGKILL) }
    }

    /// One device, one reading at a time: publish, wait for its committed ack, next.
    @Test(.enabled(if: enabled), .timeLimit(.minutes(5))) func unloadedLatencyThroughTheGateway() async throws {
        let harness = try await GatewayHarness()
        do {
            try await harness.register(DevChain.sensor, nonce: 0)
            let topic = "fogledger/v1/devices/\(DevChain.sensor.publicKey.address.hex)/readings"
            var latencies: [Double] = []
            for seq in 1...200 {
                let envelope = DevChain.reading(seq: UInt64(seq))
                let start = ContinuousClock.now
                try await harness.device.publish(topic: topic, payload: envelope, qos: .atLeastOnce)
                let ack = try await harness.acks.waitFor(tx: SignedEnvelope.transactionID(of: envelope).hex, status: "committed")
                latencies.append(Self.seconds(ack.arrival - start) * 1000)
            }
            latencies.sort()
            print("""
                [measure] gateway, one device, one reading at a time (200): publish → committed ack \
                p50 \(String(format: "%.1f", latencies[100])) ms, p99 \(String(format: "%.1f", latencies[197])) ms
                """)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
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
            do {
                try await withDeadline(120, "\(total) committed acks") {
                    while harness.acks.all.count(where: { $0.status == "committed" }) < total {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
            } catch {
                let statuses = Dictionary(grouping: harness.acks.all, by: { "\($0.status) \($0.code ?? "")" }).mapValues(\.count)
                print("[measure] acks so far: \(statuses)")
                print(harness.metricsText().split(separator: "\n").filter { $0.hasPrefix("fogledger_") }.joined(separator: "\n"))
                print("device client: \(await harness.device.statistics)")
                throw error
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
