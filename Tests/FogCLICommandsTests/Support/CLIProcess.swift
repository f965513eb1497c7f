import FogTestKit
import Foundation
import Testing

/// Checks of a finished run's output that record test issues.
extension ProcessResult {
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

/// The built `fogledger` executable, found next to the running test binary.
enum FogledgerBinary {
    /// Where the executable is; `nil` when it cannot be found (each test then reports why).
    static let url: URL? = BuiltProduct.url("fogledger", override: "FOGLEDGER_BIN")

    /// Why `url` is `nil`.
    static var missingReason: String {
        "cannot find the fogledger executable next to the test binary (looked from \(BuiltProduct.searchStarts.map(\.path))); "
            + "build it with `swift build --build-tests`, or set FOGLEDGER_BIN"
    }

    /// Runs `fogledger` with `arguments` on a thread of its own; fails the test when the executable is
    /// missing or times out.
    static func run(
        _ arguments: [String], stdin: Data? = nil, keepStdinOpen: Bool = false,
        timeout: TimeInterval = Subprocess.defaultTimeout, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ProcessResult {
        let executable = try #require(url, Comment(rawValue: missingReason), sourceLocation: sourceLocation)
        let result = try await Subprocess.run(executable, arguments, stdin: stdin, keepStdinOpen: keepStdinOpen, timeout: timeout)
        #expect(!result.timedOut, "fogledger \(arguments.joined(separator: " ")) ran past \(Int(timeout)) s",
                sourceLocation: sourceLocation)
        return result
    }
}

/// A fresh temporary directory, removed when `body` returns or throws.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("fogledger-cli-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// The POSIX permission bits of the file at `path`.
func permissions(of path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}
