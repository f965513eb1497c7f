import FogCore
import FogCrypto
import FogTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `fogledger device run` and `fogledger simulate` as subprocesses against a `fogledger node --dev`
/// subprocess over HTTP: readings go through the device SDK's persistent queue and are committed.
@Suite(.heavy, .serialized) struct DeviceFleetMultiProcessTests {
    /// A dev node in a fresh folder, stopped and removed after `body`.
    static func withDevNode(_ body: (_ cli: CLI, _ api: String, _ data: String, _ folder: URL) async throws -> Void) async throws {
        let binary = try #require(DevNodeProcessTests.fogledger(), "cannot find the fogledger executable")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fogledger-device-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("chain").path
        let (node, collected) = try DevNodeProcessTests.start(binary, data: data)
        defer { if node.isRunning { kill(node.processIdentifier, SIGKILL) } }
        let api = try await DevNodeProcessTests.apiURL(node, collected)
        try await body(CLI(binary: binary, node: nil), api, data, folder)
        try await DevNodeProcessTests.terminate(node)
    }

    static func getJSON(_ url: String) async throws -> [String: Any] {
        let (body, _) = try await URLSession.shared.data(from: URL(string: url)!)
        return (try JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
    }

    /// The sequence numbers of a device's committed readings, in order.
    static func sequences(_ api: String, _ device: String) async throws -> [Int] {
        let page = try await getJSON("\(api)/v1/devices/\(device)/readings?limit=1000")
        return (page["readings"] as? [[String: Any]] ?? []).compactMap { $0["sequence"] as? Int }
    }

    /// Lines of JSON objects.
    static func objects(_ output: String) -> [[String: Any]] {
        output.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test(.timeLimit(.minutes(3))) func simulateCommitsAFleetsReadings() async throws {
        try await Self.withDevNode { cli, api, data, _ in
            let result = try await cli.run(["simulate", "--devices", "3", "--rate", "30", "--scenario", "cold-chain",
                                      "--node", api, "--duration", "2", "--seed", "5", "--data", data, "--json"])
            #expect(result.status == 0, "\(result.output) \(result.error)")
            let lines = Self.objects(result.output)
            let summary = try #require(lines.last, "\(result.output)")
            #expect(summary["event"] as? String == "summary")
            let sent = try #require(summary["sent"] as? Int)
            #expect(sent >= 40 && sent <= 70, "about 30/s for 2 s: \(summary)")
            #expect(summary["committed"] as? Int == sent && summary["rejected"] as? Int == 0, "\(summary)")
            #expect(lines.contains { $0["event"] as? String == "progress" })
            // The fleet's keys derive from the seed (spec/device-sdk.md); each device's readings are on chain.
            var total = 0
            for index in 0..<3 {
                let seed = SHA256Hasher.hash(Array("fogledger-simulate/5/\(index)".utf8)).bytes
                let device = try PrivateKey(algorithm: .ed25519, seed: seed).publicKey.address.hex
                let record = try await Self.getJSON("\(api)/v1/devices/\(device)")
                #expect(record["type"] as? String == "cold-chain-logger", "\(record)")
                let sequences = try await Self.sequences(api, device)
                #expect(sequences == Array(1...max(sequences.count, 1)), "device \(index): \(sequences)")
                total += sequences.count
            }
            #expect(total == sent)

            // A second run of the same fleet continues its sequence numbers; nothing is registered twice.
            let again = try await cli.run(["simulate", "--devices", "3", "--rate", "30", "--scenario", "cold-chain",
                                     "--node", api, "--duration", "1", "--seed", "5", "--json"])
            #expect(again.status == 0, "\(again.output) \(again.error)")
            let second = try #require(Self.objects(again.output).last)
            #expect(second["committed"] as? Int == second["sent"] as? Int && second["rejected"] as? Int == 0, "\(second)")
        }
    }

    @Test(.timeLimit(.minutes(3))) func deviceRunSendsStandardInput() async throws {
        try await Self.withDevNode { cli, api, data, folder in
            let key = folder.appendingPathComponent("probe.key").path
            #expect(try await cli.run(["keygen", "--out", key]).status == 0)
            let registered = try await cli.json(["device", "register", "--device-key", key, "--type", "probe", "--data", data,
                                           "--node", api])
            let device = try #require(registered["device"] as? String)
            let queue = folder.appendingPathComponent("queue").path
            let csv = "time,temp,door\n" + (0..<5).map { "\(1_700_000_000_000 + $0),\(4 + $0).5,false" }.joined(separator: "\n") + "\n"
            let result = try await cli.run(["device", "run", "--key", key, "--node", api, "--stdin", "--queue", queue,
                                         "--batch", "2", "--json"], stdin: csv)
            #expect(result.status == 0, "\(result.output) \(result.error)")
            let lines = Self.objects(result.output)
            let committed = lines.filter { $0["event"] as? String == "committed" }
            #expect(committed.map { $0["firstSeq"] as? Int } == [1, 3, 5], "\(result.output)")
            #expect(lines.last?["committed"] as? Int == 5 && lines.last?["queued"] as? Int == 0, "\(result.output)")
            #expect(try await Self.sequences(api, device) == [1, 2, 3, 4, 5])
            let readings = try await Self.getJSON("\(api)/v1/devices/\(device)/readings?limit=1")
            // The API gives the value as its CBOR in hex: the CSV row's columns as a map.
            let value = (readings["readings"] as? [[String: Any]])?.first?["value"] as? String
            let expected = CBORValue.map([CBORMapEntry(.text("temp"), .float(4.5)), CBORMapEntry(.text("door"), .bool(false))])
            #expect(value == Hex.encode(expected.encoded), "\(readings)")

            // Bad input: a clear message and exit status 1.
            let bad = try await cli.run(["device", "run", "--key", key, "--node", api, "--stdin", "--queue", queue],
                                      stdin: "time,temp\n1,2\nnot-a-time,3\n")
            #expect(bad.status == 1)
            #expect(bad.error.contains("line 3"), "\(bad.error)")
        }
    }

    @Test(.timeLimit(.minutes(3))) func aKilledDeviceResendsItsQueueInOrderAfterARestart() async throws {
        try await Self.withDevNode { cli, api, data, folder in
            let key = folder.appendingPathComponent("probe.key").path
            #expect(try await cli.run(["keygen", "--out", key]).status == 0)
            let registered = try await cli.json(["device", "register", "--device-key", key, "--type", "probe", "--data", data,
                                           "--node", api])
            let device = try #require(registered["device"] as? String)
            let chain = try #require(try await Self.getJSON("\(api)/v1/status")["chainID"] as? String)
            let queue = folder.appendingPathComponent("queue").path

            // First run: the broker is down, so every reading stays queued; then SIGKILL.
            let deadPort = 1
            let process = Process()
            process.executableURL = cli.binary
            process.arguments = ["device", "run", "--key", key, "--broker", "mqtt://127.0.0.1:\(deadPort)", "--chain", chain,
                                 "--stdin", "--queue", queue]
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
            let lines = "value\n" + (1...12).map { "\($0)" }.joined(separator: "\n") + "\n"
            try input.fileHandleForWriting.write(contentsOf: Data(lines.utf8))
            // Wait until the log stops growing: with the broker down, only recording writes to it.
            let log = queue + "/queue.log"
            let deadline = ContinuousClock.now + .seconds(30)
            var last = -1
            while ContinuousClock.now < deadline {
                let size = ((try? FileManager.default.attributesOfItem(atPath: log))?[.size] as? Int) ?? 0
                if size > 1_000 && size == last { break }
                last = size
                try await Task.sleep(for: .milliseconds(500))
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            #expect(try await Self.sequences(api, device).isEmpty)

            // Second run, over HTTP with no new input: the queue is sent in order and committed.
            let resumed = try await cli.run(["device", "run", "--key", key, "--node", api, "--stdin", "--queue", queue,
                                          "--json"], stdin: "")
            #expect(resumed.status == 0, "\(resumed.output) \(resumed.error)")
            #expect(try await Self.sequences(api, device) == Array(1...12))
            let summary = Self.objects(resumed.output).last
            #expect(summary?["committed"] as? Int == 12 && summary?["recorded"] as? Int == 0, "\(resumed.output)")

            // Third run: nothing left; the next reading takes sequence 13.
            let next = try await cli.run(["device", "run", "--key", key, "--node", api, "--stdin", "--queue", queue,
                                       "--json"], stdin: "value\n13\n")
            #expect(next.status == 0, "\(next.output) \(next.error)")
            #expect(try await Self.sequences(api, device) == Array(1...13))
        }
    }
}
