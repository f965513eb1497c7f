import ArgumentParser
import Foundation

/// `fogledger network up|down|status --home DIR`: the nodes of a local network (made by
/// `fogledger init`) as separate background processes, each with `node.pid` and `node.log` in its folder.
struct NetworkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Start, stop or inspect every node of a local network as background processes.",
        subcommands: [Up.self, Down.self, Status.self])

    struct Options: ParsableArguments {
        @Option(name: .long, help: "The network's folder (made by fogledger init).")
        var home: String
    }

    /// `network up`: starts every node that is not running.
    struct Up: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start every node that is not running.")
        @OptionGroup var options: Options

        func run() throws {
            let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
            for folder in try NetworkLayout.nodeFolders(home: options.home) {
                let name = URL(fileURLWithPath: folder).lastPathComponent
                if let pid = NodeProcess.runningPID(folder: folder) {
                    print("\(name): already running (pid \(pid))")
                    continue
                }
                let pid = try NodeProcess.start(executable: executable, folder: folder)
                print("\(name): started (pid \(pid)), log \(folder)/\(NodeProcess.logFile)")
            }
        }
    }

    /// `network down`: SIGTERM to every node, SIGKILL to those still running after the grace period.
    struct Down: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop every node (SIGTERM, then SIGKILL).")
        @OptionGroup var options: Options

        @Option(name: .long, help: "Seconds to wait after SIGTERM before SIGKILL.")
        var graceSeconds: Double = 10

        func run() throws {
            for folder in try NetworkLayout.nodeFolders(home: options.home) {
                let name = URL(fileURLWithPath: folder).lastPathComponent
                guard let pid = NodeProcess.runningPID(folder: folder) else {
                    print("\(name): not running")
                    continue
                }
                let killed = NodeProcess.stop(pid: pid, grace: graceSeconds)
                try? FileManager.default.removeItem(atPath: "\(folder)/\(NodeProcess.pidFile)")
                print("\(name): stopped (pid \(pid)\(killed ? ", SIGKILL" : ""))")
            }
        }
    }

    /// `network status`: each node's process and, from its API, height and peers.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print each node's process, height and peers.")
        @OptionGroup var options: Options

        func run() async throws {
            for folder in try NetworkLayout.nodeFolders(home: options.home) {
                let config = try ValidatorNodeConfig.read(home: folder)
                let process = NodeProcess.runningPID(folder: folder).map { "pid \($0)" } ?? "stopped"
                let client = NodeClient(base: "http://\(config.httpHost):\(config.httpPort)")
                guard case .object(let status) = try? await client.getJSON("/v1/status") else {
                    print("\(config.name): \(process), API unreachable")
                    continue
                }
                let height = status["height"].map { "\($0.rendered)" } ?? "?"
                let peers = status["peers"].map { "\($0.rendered)" } ?? "?"
                print("\(config.name): \(process), height \(height), peers \(peers)")
            }
        }
    }
}

/// A node process of a local network: started detached with its output in its folder's log, and
/// found again through its pid file.
enum NodeProcess {
    static let pidFile = "node.pid"
    static let logFile = "node.log"

    /// The pid in `folder`'s pid file when that process is alive.
    static func runningPID(folder: String) -> Int32? {
        guard let text = try? String(contentsOfFile: "\(folder)/\(pidFile)", encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0, kill(pid, 0) == 0
        else { return nil }
        return pid
    }

    /// Starts `executable node --home folder` with standard output and error appended to the log.
    static func start(executable: String, folder: String) throws -> Int32 {
        let logPath = "\(folder)/\(logFile)"
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil, attributes: [.posixPermissions: 0o644])
        }
        guard let log = FileHandle(forWritingAtPath: logPath) else { throw CLIError("io-error", "cannot open \(logPath)") }
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["node", "--home", folder]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let pid = process.processIdentifier
        guard FileManager.default.createFile(atPath: "\(folder)/\(pidFile)", contents: Data("\(pid)\n".utf8)) else {
            throw CLIError("io-error", "cannot write \(folder)/\(pidFile)")
        }
        return pid
    }

    /// Sends SIGTERM, waits up to `grace` seconds for the process to exit, then sends SIGKILL.
    /// Returns whether SIGKILL was needed.
    static func stop(pid: Int32, grace: Double) -> Bool {
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            if kill(pid, 0) != 0 { return false }
            usleep(100_000)
        }
        kill(pid, SIGKILL)
        return true
    }
}
