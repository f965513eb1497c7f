import Foundation

/// A local validator network for the benchmark: `fogledger init --validators N` into a folder, then
/// one `fogledger node --home` child process per validator (this executable, 127.0.0.1). Every child
/// is stopped by ``stop()``, also when starting failed half-way.
final class BenchNetworkProcesses {
    /// The nodes, in folder order (node0 first).
    let nodes: [BenchNodeProcess]
    /// The folder `init` wrote.
    let home: String

    private init(nodes: [BenchNodeProcess], home: String) {
        self.nodes = nodes
        self.home = home
    }

    /// The HTTP ports of the nodes' APIs.
    var ports: [Int] { nodes.map(\.port) }

    /// Initialises `validators` validators in `home` (P2P and HTTP ports from a random base below the
    /// ephemeral range; `commitDelayMs` when given) and starts every node, waiting until each API
    /// listens. With `logFolder`, each node logs at debug level to `logFolder/nodeK.log`; otherwise it
    /// logs only warnings, unread.
    static func start(executable: String, home: String, validators: Int, commitDelayMs: UInt64? = nil,
                      logFolder: String? = nil) async throws(CLIError) -> BenchNetworkProcesses {
        let base = 20_000 + Int.random(in: 0..<1_000) * 2 * validators
        try initialise(executable: executable, arguments: [
            "init", "--validators", String(validators), "--out", home, "--chain-id", "fog-bench",
            "--p2p-port", String(base), "--http-port", String(base + validators),
        ] + (commitDelayMs.map { ["--commit-delay-ms", String($0)] } ?? []))
        let level = logFolder == nil ? "warning" : "debug"
        var started: [BenchNodeProcess] = []
        for index in 0..<validators {
            do {
                started.append(try await BenchNodeProcess.launch(
                    executable: executable, arguments: ["node", "--home", "\(home)/node\(index)", "--log-level", level],
                    logFile: logFolder.map { "\($0)/node\(index).log" }))
            } catch {
                for node in started { await node.stop() }
                throw error
            }
        }
        return BenchNetworkProcesses(nodes: started, home: home)
    }

    /// Runs `init` to completion (at most 60 s).
    private static func initialise(executable: String, arguments: [String]) throws(CLIError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw CLIError("node-failed", "cannot start \(executable) init: \(error.localizedDescription)")
        }
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw CLIError("node-failed", "init did not finish within 60 s")
        }
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
            throw CLIError("node-failed", "init failed: \(message)")
        }
    }

    /// Stops every node (SIGTERM, then SIGKILL after the timeout). Returns whether all stopped cleanly.
    @discardableResult
    func stop() async -> Bool {
        var clean = true
        for node in nodes where !(await node.stop()) { clean = false }
        return clean
    }
}
