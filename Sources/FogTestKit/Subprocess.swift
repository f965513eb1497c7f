public import Foundation

/// What a finished subprocess left behind.
public struct ProcessResult: Sendable {
    /// The exit status (`-1` when the child could not be stopped).
    public var status: Int32
    public var stdout: Data
    public var stderr: Data
    /// The subprocess was killed because it ran past its time limit.
    public var timedOut: Bool

    /// Standard output as UTF-8 text.
    public var out: String { String(decoding: stdout, as: UTF8.self) }
    /// Standard error as UTF-8 text.
    public var err: String { String(decoding: stderr, as: UTF8.self) }
}

/// Collects bytes from a pipe on a thread of its own, so a chatty child can never fill a pipe
/// buffer and deadlock against us.
private final class PipeDrain: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            let all = handle.readDataToEndOfFile()
            lock.withLock { data = all }
            done.signal()
        }
    }

    /// Waits for end of file (at most until `deadline`) and returns what was read.
    func finish(by deadline: DispatchTime) -> Data {
        _ = done.wait(timeout: deadline)
        return lock.withLock { data }
    }
}

/// Runs programs as subprocesses with a time limit.
public enum Subprocess {
    /// The default limit for one run: generous, because other builds may share the cores.
    public static let defaultTimeout: TimeInterval = 60

    /// Runs `executable` with `arguments`, feeding `stdin` (or an empty, closed standard input), and
    /// blocks the calling thread until it exits or runs past `timeout` (then it is stopped).
    ///
    /// - Parameters:
    ///   - keepStdinOpen: leave standard input open (never written, never closed) until the child
    ///     exits, as an interactive terminal would.
    ///   - environment: the child's whole environment (`nil`: this process's).
    public static func run(
        _ executable: URL, _ arguments: [String], stdin: Data? = nil, keepStdinOpen: Bool = false,
        environment: [String: String]? = nil, timeout: TimeInterval = defaultTimeout
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        let outDrain = PipeDrain(output.fileHandleForReading)
        let errDrain = PipeDrain(errors.fileHandleForReading)
        if !keepStdinOpen {
            let writer = input.fileHandleForWriting
            let bytes = stdin ?? Data()
            // Write from another thread: a child that exits without reading must not block us.
            Thread.detachNewThread {
                try? writer.write(contentsOf: bytes)
                try? writer.close()
            }
        }
        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            if exited.wait(timeout: .now() + 5) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                _ = exited.wait(timeout: .now() + 5)
            }
        }
        if keepStdinOpen { try? input.fileHandleForWriting.close() }
        let deadline = DispatchTime.now() + 10
        return ProcessResult(
            status: process.isRunning ? -1 : process.terminationStatus,
            stdout: outDrain.finish(by: deadline), stderr: errDrain.finish(by: deadline),
            timedOut: timedOut)
    }

    /// ``run(_:_:stdin:keepStdinOpen:environment:timeout:)`` on a thread of its own, so that the wait
    /// holds none of the cooperative pool's threads (see ``onOwnThread(_:)``).
    public static func run(
        _ executable: URL, _ arguments: [String], stdin: Data? = nil, keepStdinOpen: Bool = false,
        environment: [String: String]? = nil, timeout: TimeInterval = defaultTimeout
    ) async throws -> ProcessResult {
        try await onOwnThread {
            try run(executable, arguments, stdin: stdin, keepStdinOpen: keepStdinOpen, environment: environment,
                    timeout: timeout)
        }
    }

    /// This process's environment with `changes` applied (a `nil` value removes the variable).
    public static func environment(_ changes: [String: String?]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in changes { environment[name] = value }
        return environment
    }

    /// The first executable file called `name` on `PATH`.
    public static func onPath(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}
