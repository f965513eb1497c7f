import Foundation
import Synchronization

/// A Mosquitto broker on 127.0.0.1 at a free port, with a generated configuration; `stop()` kills it
/// and removes its folder. The gateway tests need `mosquitto` and `mosquitto_pub` (Debian packages
/// mosquitto and mosquitto-clients); without them the tests are skipped, except under CI=true.
final class LocalMosquitto: Sendable {
    struct Missing: Error, CustomStringConvertible {
        let tool: String
        var description: String { "\(tool) is not installed: apt-get install mosquitto mosquitto-clients" }
    }

    let port: Int
    let directory: URL
    private let process: Process

    /// Whether the broker tests can run here (under CI=true they always run, and fail without Mosquitto).
    static var available: Bool {
        executable("mosquitto") != nil || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    static func executable(_ name: String) -> String? {
        ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"].map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    init() async throws {
        guard let binary = Self.executable("mosquitto") else { throw Missing(tool: "mosquitto") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fog-gateway-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
        // A generous per-client queue, so a slow consumer is not cut off at Mosquitto's default of 1,000.
        var config = ["listener \(port) 127.0.0.1", "allow_anonymous true", "persistence false", "log_dest none",
                      "max_queued_messages 200000"]
        if getuid() == 0 { config.append("user root") }
        let file = directory.appendingPathComponent("mosquitto.conf")
        try (config.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-c", file.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(10)
        while !Self.accepts(port) {
            guard ContinuousClock.now < deadline, process.isRunning else {
                stop()
                throw Missing(tool: "a listening mosquitto on port \(port)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func stop() {
        // SIGKILL: a child of the test process may inherit a mask that blocks SIGTERM.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Publishes the file's bytes as one message with the stock `mosquitto_pub -f` (QoS 1); waits for it.
    func publishFile(_ payload: [UInt8], topic: String) async throws {
        guard let tool = Self.executable("mosquitto_pub") else { throw Missing(tool: "mosquitto_pub") }
        let file = directory.appendingPathComponent("payload-\(UUID().uuidString).bin")
        try Data(payload).write(to: file)
        let publisher = Process()
        publisher.executableURL = URL(fileURLWithPath: tool)
        publisher.arguments = ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1", "-t", topic, "-f", file.path]
        publisher.standardOutput = FileHandle.nullDevice
        publisher.standardError = FileHandle.nullDevice
        try publisher.run()
        let deadline = ContinuousClock.now + .seconds(10)
        while publisher.isRunning {
            guard ContinuousClock.now < deadline else {
                kill(publisher.processIdentifier, SIGKILL)
                publisher.waitUntilExit()
                throw Missing(tool: "mosquitto_pub finishing within 10 s")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        guard publisher.terminationStatus == 0 else { throw Missing(tool: "a successful mosquitto_pub") }
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Missing(tool: "a socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw Missing(tool: "a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
