import Foundation

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
