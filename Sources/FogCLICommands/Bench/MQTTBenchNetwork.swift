import FogCrypto
import FogTypes
import Foundation

/// The ledger under test of `fogledger bench --via mqtt`: a dev node, or a network of validators made
/// by `fogledger init` with node0 running the gateway, all child processes of this executable with
/// `--mqtt` pointing at the benchmark's broker.
final class MQTTBenchNetwork {
    /// The API of the node whose gateway is under test.
    let api: String
    /// The network's folder (genesis, operator key, node folders).
    let folder: String
    let genesis: Genesis
    let operatorKey: PrivateKey
    private let devNode: BenchNodeProcess?
    private let validators: [Process]

    private init(api: String, folder: String, devNode: BenchNodeProcess?, validators: [Process]) throws {
        self.api = api
        self.folder = folder
        self.devNode = devNode
        self.validators = validators
        genesis = try Genesis.decode(Array(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/genesis.cbor"))))
        operatorKey = try KeyFile.read("\(folder)/operator.key")
    }

    /// `fogledger node --dev` on a temporary folder with its gateway on `broker`.
    static func devNode(broker: String, blockIntervalMs: Int) async throws -> MQTTBenchNetwork {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fogledger-bench-\(UUID().uuidString)").path
        let node = try await BenchNodeProcess.start(
            executable: BenchNodeProcess.currentExecutable(), data: folder, blockIntervalMs: blockIntervalMs,
            extraArguments: ["--mqtt", broker, "--mqtt-client-id", "fogledger-bench-gateway-\(UUID().uuidString.prefix(8))"])
        do {
            return try MQTTBenchNetwork(api: "http://127.0.0.1:\(node.port)", folder: folder, devNode: node, validators: [])
        } catch {
            await node.stop()
            throw error
        }
    }

    /// `fogledger init --validators count` on a temporary folder and its nodes, node0 with the gateway
    /// on `broker`; returns once every node has committed a block.
    static func validatorNetwork(count: Int, broker: String, commitDelayMs: Int) async throws -> MQTTBenchNetwork {
        let executable = BenchNodeProcess.currentExecutable()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fogledger-bench-bft-\(UUID().uuidString)").path
        // Ports below the ephemeral range (32768 up), so no outgoing connection takes one.
        let base = 14_000 + Int.random(in: 0..<2_000) * 8
        let initialise = Process()
        initialise.executableURL = URL(fileURLWithPath: executable)
        initialise.arguments = ["init", "--validators", "\(count)", "--out", folder, "--p2p-port", "\(base)",
                                "--http-port", "\(base + count)", "--commit-delay-ms", "\(commitDelayMs)"]
        initialise.standardOutput = FileHandle.nullDevice
        try initialise.run()
        initialise.waitUntilExit()
        guard initialise.terminationStatus == 0 else { throw CLIError("node-failed", "fogledger init --validators \(count) failed") }
        var processes: [Process] = []
        for index in 0..<count {
            let home = "\(folder)/node\(index)"
            let log = "\(home)/node.log"
            FileManager.default.createFile(atPath: log, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["node", "--home", home, "--log-level", "warning"]
                + (index == 0 ? ["--mqtt", broker, "--mqtt-client-id", "fogledger-bench-gateway-\(UUID().uuidString.prefix(8))"] : [])
            process.standardOutput = FileHandle(forWritingAtPath: log)
            process.standardError = FileHandle(forWritingAtPath: log)
            process.standardInput = FileHandle.nullDevice
            try process.run()
            processes.append(process)
        }
        let network = try MQTTBenchNetwork(api: "http://127.0.0.1:\(base + count)", folder: folder, devNode: nil,
                                           validators: processes)
        do {
            let deadline = ContinuousClock.now + .seconds(60)
            for index in 0..<count {
                let client = NodeClient(base: "http://127.0.0.1:\(base + count + index)")
                while (try? await client.getJSON("/v1/status"))?["height"]?.uint64 ?? 0 < 1 {
                    guard ContinuousClock.now < deadline else {
                        throw CLIError("node-failed", "validator \(index) committed no block within 60 s (see \(folder)/node\(index)/node.log)")
                    }
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
        } catch {
            await network.stop()
            throw error
        }
        return network
    }

    /// Stops every node (SIGTERM, then SIGKILL after 30 s) and removes the folder.
    func stop() async {
        if let devNode { await devNode.stop() }
        for process in validators where process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(30)
        while validators.contains(where: \.isRunning), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for process in validators where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }
}
