import Foundation
import Synchronization

/// A `fogledger node --dev` child process for the benchmark: started on a free port of 127.0.0.1,
/// measured (RSS), and stopped.
final class BenchNodeProcess {
    let process: Process
    /// The port the API listens on.
    let port: Int
    private let output: OutputBuffer

    private init(process: Process, port: Int, output: OutputBuffer) {
        self.process = process
        self.port = port
        self.output = output
    }

    /// Starts `executable node --dev --data DATA --http 127.0.0.1:0` and waits (at most `timeout`)
    /// for the line `API: http://127.0.0.1:PORT/v1/status` it prints once listening; `extraArguments`
    /// follow the others (the MQTT benchmark's `--mqtt URL`).
    static func start(executable: String, data: String, blockIntervalMs: Int, extraArguments: [String] = [],
                      timeout: Duration = .seconds(60)) async throws(CLIError) -> BenchNodeProcess {
        try await launch(executable: executable,
                         arguments: ["node", "--dev", "--data", data, "--http", "127.0.0.1:0",
                                     "--block-interval-ms", String(blockIntervalMs), "--log-level", "warning"] + extraArguments,
                         timeout: timeout)
    }

    /// Starts `executable` with `arguments` (a node command) and waits (at most `timeout`) for the
    /// line `API: http://127.0.0.1:PORT/v1/status` it prints once listening. Its standard error (its
    /// log) goes to `logFile` (created or emptied), or nowhere.
    static func launch(executable: String, arguments: [String], logFile: String? = nil,
                       timeout: Duration = .seconds(60)) async throws(CLIError) -> BenchNodeProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        if let logFile {
            guard FileManager.default.createFile(atPath: logFile, contents: nil),
                  let handle = FileHandle(forWritingAtPath: logFile)
            else { throw CLIError("io-error", "cannot write the node log \(logFile)") }
            process.standardError = handle
        } else {
            process.standardError = FileHandle.nullDevice
        }
        let output = OutputBuffer()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty { handle.readabilityHandler = nil } else { output.append(chunk) }
        }
        do {
            try process.run()
        } catch {
            throw CLIError("node-failed", "cannot start \(executable): \(error.localizedDescription)")
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, process.isRunning {
            let text = output.text
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("API: ") }),
               let colon = line.lastIndex(of: ":"),
               let port = Int(line[line.index(after: colon)...].prefix { $0.isNumber }) {
                return BenchNodeProcess(process: process, port: port, output: output)
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        throw CLIError("node-failed", "\(arguments.prefix(2).joined(separator: " ")) printed no API address: \(output.text)")
    }

    /// CPU seconds the process has used so far (user and system), from `/proc/PID/stat`.
    func cpuSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8) else { return nil }
        return Self.cpuSeconds(stat: stat, ticksPerSecond: Self.ticksPerSecond)
    }

    /// The kernel's clock ticks per second, in which `/proc/PID/stat` counts CPU time.
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// `utime + stime` of a `/proc/PID/stat` line, in seconds; `nil` when it is not one. The command
    /// name (field 2) is in parentheses and may hold spaces, so fields are counted after its last `)`.
    static func cpuSeconds(stat: String, ticksPerSecond: Double) -> Double? {
        guard ticksPerSecond > 0, let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3); utime and stime are fields 14 and 15.
        guard fields.count > 12, let user = UInt64(fields[11]), let system = UInt64(fields[12]) else { return nil }
        return Double(user + system) / ticksPerSecond
    }

    /// The node's peak and current resident set size in bytes (`VmHWM`, `VmRSS` of /proc/PID/status).
    func residentSet() -> (peak: UInt64, current: UInt64)? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        else { return nil }
        func kilobytes(_ field: String) -> UInt64? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return nil }
            return UInt64(line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        }
        guard let peak = kilobytes("VmHWM"), let current = kilobytes("VmRSS") else { return nil }
        return (peak * 1024, current * 1024)
    }

    /// SIGTERM (the node drains and stops), then SIGKILL if it has not exited within `timeout`.
    /// Returns whether it stopped cleanly.
    @discardableResult
    func stop(timeout: Duration = .seconds(30)) async -> Bool {
        guard process.isRunning else { return process.terminationStatus == 0 }
        kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return false
        }
        return process.terminationReason == .exit && process.terminationStatus == 0
    }

    /// The executable this process runs (the node is started from the same one).
    static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
    }
}

/// A child's output so far.
private final class OutputBuffer: Sendable {
    private let contents = Mutex("")
    func append(_ data: Data) { contents.withLock { $0 += String(decoding: data, as: UTF8.self) } }
    var text: String { contents.withLock { $0 } }
}
