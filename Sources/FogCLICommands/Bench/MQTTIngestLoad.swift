import FogCrypto
import FogMQTT
import FogTypes
import Foundation
import NIOCore
import Synchronization

/// What one MQTT ingest run measured.
struct MQTTIngestResult: Sendable {
    /// The ledger under test ("dev node", "4 validators").
    var target: String
    var envelopesPublished: Int
    var envelopesCommitted: Int
    var readingsCommitted: Int
    var rejected: Int
    /// From the first publish to the last committed ack.
    var seconds: Double
    /// Publish → committed ack, milliseconds, sorted.
    var latencies: [Double]

    var readingsPerSecond: Double { seconds > 0 ? Double(readingsCommitted) / seconds : 0 }

    func percentile(_ p: Double) -> Double {
        latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p / 100))]
    }
}

/// The load of `fogledger bench --via mqtt`: devices' signed envelopes published with QoS 1 through
/// the broker by `clients` MQTT connections (each device on one, so its sequence numbers arrive in
/// order), paced at a target rate, while one more connection takes every ack from the gateway; the
/// latency of an envelope runs from just before its publish to the arrival of its "committed" ack.
struct MQTTIngestLoad {
    let host: String
    let port: Int
    let clients: Int
    let batch: Int
    /// Envelopes per second over all clients.
    let rate: Int
    let duration: Double
    /// How long to wait for the committed acks after the last publish.
    let drainSeconds: Double

    func run(target: String, chainID: ChainID, devices: [PrivateKey]) async throws -> MQTTIngestResult {
        let perClient = max(1, Int((Double(rate) * duration / Double(clients)).rounded(.up)))
        let workload = try await BenchWorkload.make(chainID: chainID, devices: devices, connections: clients,
                                                    envelopesPerConnection: perClient, batch: batch)
        let acks = AckCollector()
        let listener = MQTTClient(configuration: MQTTClientConfiguration(
            host: host, port: port, clientID: "fogledger-bench-acks-\(UUID().uuidString.prefix(8))",
            subscriptionBuffer: 2_000_000))
        try await listener.connect()
        let reader = acks.read(try await listener.subscribe("fogledger/v1/devices/+/acks", qos: .atLeastOnce))
        defer { reader.cancel() }
        let publishers = try await (0..<clients).asyncMap { index in
            let client = MQTTClient(configuration: MQTTClientConfiguration(
                host: host, port: port, clientID: "fogledger-bench-pub-\(index)-\(UUID().uuidString.prefix(8))"))
            try await client.connect()
            return client
        }
        try await waitForGateway(publishers[0], acks)

        let groups = (0..<clients).map { connection in
            stride(from: connection, to: devices.count, by: clients).map { devices[$0].publicKey.address }
        }
        let interval = Double(clients) / Double(rate)
        let start = ContinuousClock.now
        let sent = try await withThrowingTaskGroup(of: [(Hash256, ContinuousClock.Instant)].self) { group in
            for (index, client) in publishers.enumerated() {
                let bodies = workload.bodies[index], ids = workload.ids[index], owners = groups[index]
                group.addTask {
                    var times: [(Hash256, ContinuousClock.Instant)] = []
                    times.reserveCapacity(bodies.count)
                    for (position, body) in bodies.enumerated() {
                        let due = start + .seconds(Double(position) * interval)
                        if ContinuousClock.now < due { try await Task.sleep(until: due) }
                        let device = owners[position % owners.count]
                        times.append((ids[position], .now))
                        try await client.publish(topic: "fogledger/v1/devices/\(device.hex)/readings", payload: body,
                                                 qos: .atLeastOnce)
                    }
                    return times
                }
            }
            var all: [(Hash256, ContinuousClock.Instant)] = []
            for try await times in group { all += times }
            return all
        }
        let deadline = ContinuousClock.now + .seconds(drainSeconds)
        while acks.answered < sent.count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        for client in publishers { await client.disconnect() }
        await listener.disconnect()

        let committed = acks.committedAt
        var latencies: [Double] = []
        var last = start
        for (id, at) in sent {
            guard let arrival = committed[id] else { continue }
            latencies.append((arrival - at).inSeconds * 1_000)
            last = max(last, arrival)
        }
        latencies.sort()
        return MQTTIngestResult(target: target, envelopesPublished: sent.count, envelopesCommitted: latencies.count,
                                readingsCommitted: latencies.count * batch, rejected: acks.rejected,
                                seconds: (last - start).inSeconds, latencies: latencies)
    }

    /// Publishes a probe on an unregistered device's topic until the gateway answers it: then it is subscribed.
    private func waitForGateway(_ client: MQTTClient, _ acks: AckCollector) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !acks.probeAnswered {
            guard ContinuousClock.now < deadline else { throw CLIError("node-failed", "the gateway did not answer within 30 s") }
            try await client.publish(topic: "fogledger/v1/devices/bench-probe/readings", payload: [0], qos: .atLeastOnce)
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}

/// The gateway's acks as they arrive: when each transaction's "committed" ack came, rejections, and
/// whether the readiness probe was answered.
final class AckCollector: Sendable {
    private struct State {
        var committedAt: [Hash256: ContinuousClock.Instant] = [:]
        var rejected = 0
        var probeAnswered = false
    }

    private let state = Mutex(State())

    func read(_ stream: AsyncStream<MQTTPublish>) -> Task<Void, Never> {
        Task {
            for await message in stream {
                let now = ContinuousClock.now
                if message.topic.hasSuffix("/bench-probe/acks") {
                    state.withLock { $0.probeAnswered = true }
                    continue
                }
                guard let object = try? JSONSerialization.jsonObject(with: Data(message.payload.readableBytesView)) as? [String: Any],
                      let status = object["status"] as? String
                else { continue }
                let tx = (object["tx"] as? String).flatMap { Hash256(hex: $0) }
                state.withLock { state in
                    switch status {
                    case "committed": if let tx, state.committedAt[tx] == nil { state.committedAt[tx] = now }
                    case "rejected": state.rejected += 1
                    default: break
                    }
                }
            }
        }
    }

    var committedAt: [Hash256: ContinuousClock.Instant] { state.withLock { $0.committedAt } }
    /// Transactions answered for good (committed or rejected).
    var answered: Int { state.withLock { $0.committedAt.count + $0.rejected } }
    var rejected: Int { state.withLock { $0.rejected } }
    var probeAnswered: Bool { state.withLock { $0.probeAnswered } }
}

extension Range where Bound == Int {
    /// Maps in order, awaiting each element.
    func asyncMap<T>(_ transform: (Int) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
