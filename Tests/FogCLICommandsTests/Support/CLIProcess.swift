import Foundation
import Testing

/// What a finished subprocess left behind.
struct ProcessResult: Sendable {
    var status: Int32
    var stdout: Data
    var stderr: Data
    /// The subprocess was killed because it ran past its time limit.
    var timedOut: Bool

    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }

    /// Standard output parsed as one JSON object (records an issue when it is not one).
    func json(sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: stdout) as? [String: Any] else {
            Issue.record("stdout is not a JSON object: \(out) (stderr: \(err))", sourceLocation: sourceLocation)
            return [:]
        }
        return object
    }

    /// The `error.code` of a `--json` error report, if stdout is one.
    var errorCode: String? {
        guard let object = try? JSONSerialization.jsonObject(with: stdout) as? [String: Any],
              let error = object["error"] as? [String: Any] else { return nil }
        return error["code"] as? String
    }
}

/// Collects bytes from a pipe on a background thread, so a chatty child can never fill a pipe
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

    /// Waits for end of file (at most `timeout`) and returns what was read.
    func finish(timeout: DispatchTime) -> Data {
        _ = done.wait(timeout: timeout)
        return lock.withLock { data }
    }
}

/// Runs programs as subprocesses with a time limit.
enum Subprocess {
    /// The default limit for one CLI invocation: generous, because other builds may share the cores.
    static let defaultTimeout: TimeInterval = 60

    /// Runs `executable` with `arguments`, feeding `stdin` (or an empty, closed standard input).
    ///
    /// - Parameter keepStdinOpen: leave standard input open (never written, never closed) until the
    ///   child exits, as an interactive terminal would.
    static func run(
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
            stdout: outDrain.finish(timeout: deadline), stderr: errDrain.finish(timeout: deadline),
            timedOut: timedOut)
    }

    /// The first executable file called `name` on `PATH`.
    static func onPath(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}

/// The built `fogledger` executable, found next to the running test binary.
enum FogledgerBinary {
    /// Where the executable is; `nil` when it cannot be found (each test then reports why).
    static let url: URL? = locate()

    /// Why `url` is `nil`.
    static var missingReason: String {
        "cannot find the fogledger executable next to the test binary (looked from \(startingPoints.map(\.path))); "
            + "build it with `swift build --build-tests`, or set FOGLEDGER_BIN"
    }

    /// Runs `fogledger` with `arguments`; fails the test when the executable is missing or times out.
    static func run(
        _ arguments: [String], stdin: Data? = nil, keepStdinOpen: Bool = false,
        timeout: TimeInterval = Subprocess.defaultTimeout, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ProcessResult {
        let executable = try #require(url, Comment(rawValue: missingReason), sourceLocation: sourceLocation)
        let result = try Subprocess.run(executable, arguments, stdin: stdin, keepStdinOpen: keepStdinOpen, timeout: timeout)
        #expect(!result.timedOut, "fogledger \(arguments.joined(separator: " ")) ran past \(Int(timeout)) s",
                sourceLocation: sourceLocation)
        return result
    }

    /// The places whose directory (or an ancestor of it) holds the build products.
    private static var startingPoints: [URL] {
        var points: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            points.append(URL(fileURLWithPath: exe))
        }
        if let path = Bundle.main.executablePath { points.append(URL(fileURLWithPath: path)) }
        points.append(Bundle.main.bundleURL)
        if let first = CommandLine.arguments.first {
            points.append(URL(fileURLWithPath: first, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)))
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            points.append(bundle.bundleURL)
        }
        return points
    }

    private static func locate() -> URL? {
        if let override = ProcessInfo.processInfo.environment["FOGLEDGER_BIN"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let manager = FileManager.default
        for start in startingPoints {
            // The test binary is `<products>/X.xctest` on Linux and `<products>/X.xctest/Contents/MacOS/X`
            // on macOS: look in its directory and a few ancestors.
            var directory = start.standardizedFileURL.resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent("fogledger")
                var isDirectory: ObjCBool = false
                if manager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   manager.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }
}

/// A fresh temporary directory, removed when `body` returns or throws.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("fogledger-cli-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// The POSIX permission bits of the file at `path`.
func permissions(of path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}
