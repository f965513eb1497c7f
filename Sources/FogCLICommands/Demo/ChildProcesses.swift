import FogGateway
import Foundation

/// Ports of 127.0.0.1 that nothing listens on: each is bound to port 0 (the kernel picks one), all
/// at once so that they differ, then released. Another program may take one before it is used; the
/// demo then fails to start that node and says so.
enum FreePorts {
    static func take(_ count: Int) throws(CLIError) -> [Int] {
        var descriptors: [Int32] = []
        defer { for descriptor in descriptors { close(descriptor) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw CLIError("io-error", "cannot open a socket to find a free port") }
            descriptors.append(descriptor)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                    bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
                }
            }
            guard bound else { throw CLIError("io-error", "cannot bind 127.0.0.1:0 to find a free port") }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func isListening(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// A child process of the demo, with its output appended to a log file. Foundation starts it in a
/// process group of its own, so a Ctrl-C on the terminal reaches the demo (which then finishes and
/// stops it) rather than killing it mid-run.
///
/// `@unchecked Sendable`: `current` is only read or replaced under `lock`.
final class ChildProcess: @unchecked Sendable {
    /// What it runs, for messages.
    let name: String
    private let lock = NSLock()
    private var current: Process?
    private let executable: String
    private let arguments: [String]
    private let logPath: String

    init(name: String, executable: String, arguments: [String], logPath: String) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.logPath = logPath
    }

    /// Starts (or starts again) the process.
    func start() throws(CLIError) {
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil, attributes: [.posixPermissions: 0o644])
        }
        guard let log = FileHandle(forWritingAtPath: logPath) else { throw CLIError("io-error", "cannot open \(logPath)") }
        log.seekToEndOfFile()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = arguments
        child.standardInput = FileHandle.nullDevice
        child.standardOutput = log
        child.standardError = log
        do {
            try child.run()
        } catch {
            throw CLIError("process-failed", "cannot start \(name) (\(executable)): \(error.localizedDescription)")
        }
        try? log.close()
        lock.withLock { current = child }
    }

    /// Whether the process runs.
    var isRunning: Bool { process?.isRunning ?? false }

    private var process: Process? { lock.withLock { current } }

    /// SIGKILL, and waits for it to be gone.
    func kill() {
        guard let child = process, child.isRunning else { return }
        Foundation.kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
    }

    /// SIGTERM, then SIGKILL if it still runs after `grace` seconds. Returns whether SIGKILL was needed.
    @discardableResult
    func stop(grace: Double) -> Bool {
        guard let child = process, child.isRunning else { return false }
        Foundation.kill(child.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while child.isRunning, Date() < deadline { usleep(20_000) }
        guard child.isRunning else { return false }
        Foundation.kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        return true
    }

    /// The last `lines` lines of its log.
    func logTail(lines: Int = 8) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "" }
        return String(decoding: data.suffix(16 * 1024), as: UTF8.self)
            .split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}

/// A Mosquitto broker of the demo's own on a free port of 127.0.0.1, when a `mosquitto` executable
/// is installed.
struct DemoBroker {
    let port: Int
    let process: ChildProcess

    /// The validators' gateways share one MQTT 5 subscription, so the broker hands each reading to
    /// one of them (and to another when that validator is down) instead of to all of them.
    static let sharedReadingsFilter = "$share/fogledger-demo/" + GatewayTopic.readingsFilter

    /// The mosquitto executable on PATH (or in /usr/sbin, where Debian installs it).
    static func executable() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin"]
        return folders.map { "\($0)/mosquitto" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts `executable` with a configuration in `folder` and waits (at most 10 s) until it accepts
    /// connections.
    static func start(executable: String, folder: String) async throws(CLIError) -> DemoBroker {
        let port = try FreePorts.take(1)[0]
        let configuration = "\(folder)/mosquitto.conf"
        let text = "listener \(port) 127.0.0.1\nallow_anonymous true\npersistence false\n"
        guard FileManager.default.createFile(atPath: configuration, contents: Data(text.utf8)) else {
            throw CLIError("io-error", "cannot write \(configuration)")
        }
        let process = ChildProcess(name: "mosquitto", executable: executable, arguments: ["-c", configuration],
                                   logPath: "\(folder)/mosquitto.log")
        try process.start()
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, process.isRunning {
            if FreePorts.isListening(port) { return DemoBroker(port: port, process: process) }
            try? await Task.sleep(for: .milliseconds(50))
        }
        process.stop(grace: 2)
        throw CLIError("broker-failed", "mosquitto did not listen on 127.0.0.1:\(port): \(process.logTail())")
    }

    var url: String { "mqtt://127.0.0.1:\(port)" }
}
