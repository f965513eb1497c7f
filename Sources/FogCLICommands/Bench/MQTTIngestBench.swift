import FogCrypto
import FogTypes
import Foundation

/// `fogledger bench --via mqtt`: readings/s and publish → committed-ack latency through a Mosquitto
/// broker and the node's gateway, for a dev node and for a network of validators (node0's gateway),
/// beside the broker's own QoS 0 rate measured in the same run.
struct MQTTIngestBench {
    /// `--broker URL`, or nil: start a broker.
    let brokerURL: String?
    /// Validator counts to measure; 1 is the dev node.
    let targets: [Int]
    let batch: Int
    let clients: Int
    let devices: Int
    let rate: Int
    let duration: Double
    let blockIntervalMs: Int
    /// QoS 0 messages for the broker's baseline.
    let baselineMessages: Int

    struct Report {
        var qos0MessagesPerSecond: Double
        var broker: String
        var results: [MQTTIngestResult]
        var batch: Int
        var rate: Int
        var devices: Int
        var clients: Int

        var json: JSONValue {
            .object([
                "via": .string("mqtt"), "broker": .string(broker), "batch": .int(Int64(batch)),
                "targetEnvelopesPerSecond": .int(Int64(rate)), "devices": .int(Int64(devices)), "clients": .int(Int64(clients)),
                "mosquittoQoS0MessagesPerSecond": .double((qos0MessagesPerSecond * 10).rounded() / 10),
                "results": .array(results.map { result in
                    .object([
                        "target": .string(result.target), "readingsPerSecond": .double((result.readingsPerSecond * 10).rounded() / 10),
                        "latencyMs": .object(["p50": .double(result.percentile(50)), "p99": .double(result.percentile(99)),
                                              "max": .double(result.latencies.last ?? 0)]),
                        "envelopesPublished": .int(Int64(result.envelopesPublished)),
                        "envelopesCommitted": .int(Int64(result.envelopesCommitted)),
                        "rejected": .int(Int64(result.rejected)), "seconds": .double(result.seconds),
                    ])
                }),
            ])
        }

        var markdown: String {
            func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
            var lines = [
                "MQTT ingest through \(broker): \(batch == 1 ? "single readings" : "batches of \(batch)"), \(devices) devices on \(clients) connections, paced at \(rate) envelopes/s",
                "",
                "| target | readings/s | publish → committed ack p50 | p99 | committed / published | rejected |",
                "| --- | ---: | ---: | ---: | ---: | ---: |",
            ]
            for result in results {
                lines.append("| \(result.target) | \(f(result.readingsPerSecond, 0)) | \(f(result.percentile(50))) ms | \(f(result.percentile(99))) ms | \(result.envelopesCommitted) / \(result.envelopesPublished) | \(result.rejected) |")
            }
            lines.append("| Mosquitto QoS 0, 200-byte messages (mosquitto_pub -l → mosquitto_sub -C, \(f(qos0MessagesPerSecond, 0)) messages/s) | | | | | |")
            return lines.joined(separator: "\n")
        }
    }

    func run() async throws -> Report {
        let owned: (broker: LocalBroker, folder: URL)?
        let host: String, port: Int
        if let brokerURL {
            guard let address = URL(string: brokerURL.replacingOccurrences(of: "mqtt://", with: "tcp://")),
                  brokerURL.hasPrefix("mqtt://"), let brokerHost = address.host
            else { throw CLIError("invalid-argument", "--broker must be mqtt://HOST[:PORT]") }
            (owned, host, port) = (nil, brokerHost, address.port ?? 1883)
        } else {
            let started = try await BenchMosquitto.start()
            (owned, host, port) = (started, "127.0.0.1", started.broker.port)
        }
        defer {
            if let owned {
                owned.broker.process.stop(grace: 2)
                try? FileManager.default.removeItem(at: owned.folder)
            }
        }
        let broker = "mqtt://\(host):\(port)"
        let qos0 = try await BenchMosquitto.qos0Rate(host: host, port: port, count: baselineMessages)
        var results: [MQTTIngestResult] = []
        for validators in targets {
            let network = validators == 1
                ? try await MQTTBenchNetwork.devNode(broker: broker, blockIntervalMs: blockIntervalMs)
                : try await MQTTBenchNetwork.validatorNetwork(count: validators, broker: broker, commitDelayMs: blockIntervalMs)
            do {
                let keys = try await register(on: network)
                let load = MQTTIngestLoad(host: host, port: port, clients: clients, batch: batch, rate: rate, duration: duration,
                                          drainSeconds: max(30, duration * 3))
                results.append(try await load.run(target: validators == 1 ? "dev node" : "\(validators) validators (gateway on node0)",
                                                  chainID: network.genesis.chainID, devices: keys))
            } catch {
                await network.stop()
                throw error
            }
            await network.stop()
        }
        return Report(qos0MessagesPerSecond: qos0, broker: owned == nil ? broker : "a Mosquitto started by the bench",
                      results: results, batch: batch, rate: rate, devices: devices, clients: clients)
    }

    /// Registers `devices` fresh Ed25519 devices through the network's API; waits for the last one's commit.
    private func register(on network: MQTTBenchNetwork) async throws -> [PrivateKey] {
        let client = NodeClient(base: network.api)
        let registrations = try BenchDeviceRegistrations(count: devices, genesis: network.genesis, operatorKey: network.operatorKey)
        let ids = try await client.submitAll(registrations.transactions.map(\.bytes))
            .map { result throws(CLIError) in try result.get() }
        if let last = ids.last { _ = try await client.waitCommitted(last, timeout: 60) }
        return registrations.keys
    }
}
