import Foundation

/// A Mosquitto broker of the demo's or the benchmark's own on a free port of 127.0.0.1, when a
/// `mosquitto` executable is installed.
struct LocalBroker {
    let port: Int
    let process: ChildProcess

    /// The mosquitto executable on PATH (or in /usr/sbin, where Debian installs it).
    static func executable() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin"]
        return folders.map { "\($0)/mosquitto" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts `executable` with a configuration in `folder` (anonymous clients, no persistence, then
    /// `extraConfiguration`'s lines) and waits (at most 10 s) until it accepts connections.
    static func start(executable: String, folder: String, extraConfiguration: [String] = []) async throws(CLIError) -> LocalBroker {
        let port = try FreePorts.take(1)[0]
        let configuration = "\(folder)/mosquitto.conf"
        let text = (["listener \(port) 127.0.0.1", "allow_anonymous true", "persistence false"] + extraConfiguration)
            .joined(separator: "\n") + "\n"
        guard FileManager.default.createFile(atPath: configuration, contents: Data(text.utf8)) else {
            throw CLIError("io-error", "cannot write \(configuration)")
        }
        let process = ChildProcess(name: "mosquitto", executable: executable, arguments: ["-c", configuration],
                                   logPath: "\(folder)/mosquitto.log")
        try process.start()
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, process.isRunning {
            if FreePorts.isListening(port) { return LocalBroker(port: port, process: process) }
            try? await Task.sleep(for: .milliseconds(50))
        }
        process.stop(grace: 2)
        throw CLIError("broker-failed", "mosquitto did not listen on 127.0.0.1:\(port): \(process.logTail())")
    }

    var url: String { "mqtt://127.0.0.1:\(port)" }
}
