import Foundation

/// A Mosquitto broker for `fogledger bench --via mqtt`: started on a free port of 127.0.0.1 with a
/// generated configuration in a temporary folder, and stopped (SIGKILL) with it removed. Also measures
/// the broker's own QoS 0 rate with its stock tools, as the baseline of the same run.
final class BenchMosquitto {
    let port: Int
    let folder: URL
    private let process: Process

    /// An installed Mosquitto tool (`mosquitto`, `mosquitto_pub`, `mosquitto_sub`).
    static func tool(_ name: String) -> String? {
        ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"].map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private init(port: Int, folder: URL, process: Process) {
        self.port = port
        self.folder = folder
        self.process = process
    }

    /// Starts `mosquitto` on `port` (a generous per-client queue, so the gateway's subscription is
    /// never cut off at the default of 1,000 queued messages).
    static func start(port: Int) async throws(CLIError) -> BenchMosquitto {
        guard let binary = tool("mosquitto") else {
            throw CLIError("unavailable", "mosquitto is not installed (apt-get install mosquitto mosquitto-clients), or pass --broker URL")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fogledger-bench-broker-\(UUID().uuidString)")
        var config = ["listener \(port) 127.0.0.1", "allow_anonymous true", "persistence false", "log_dest none",
                      "max_queued_messages 1000000", "max_inflight_messages 0"]
        if getuid() == 0 { config.append("user root") }
        let process = Process()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("mosquitto.conf")
            try (config.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["-c", file.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        } catch {
            throw CLIError("unavailable", "cannot start mosquitto: \(error)")
        }
        let broker = BenchMosquitto(port: port, folder: folder, process: process)
        let deadline = ContinuousClock.now + .seconds(10)
        while !BenchPorts.accepts(port) {
            guard ContinuousClock.now < deadline, process.isRunning else {
                broker.stop()
                throw CLIError("unavailable", "mosquitto did not listen on 127.0.0.1:\(port)")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return broker
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Mosquitto's own QoS 0 rate on `host`:`port`: `mosquitto_pub -l` publishes `count` lines of 200
    /// bytes, `mosquitto_sub -C count` exits once it has them all; messages per second.
    static func qos0Rate(host: String, port: Int, count: Int) async throws(CLIError) -> Double {
        guard let pub = tool("mosquitto_pub"), let sub = tool("mosquitto_sub") else {
            throw CLIError("unavailable", "mosquitto_pub and mosquitto_sub are not installed (apt-get install mosquitto-clients)")
        }
        let lines = FileManager.default.temporaryDirectory.appendingPathComponent("fogledger-bench-lines-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: lines) }
        let topic = "fogledger-bench/qos0/\(UUID().uuidString)"
        let subscriber = Process(), publisher = Process()
        do {
            try Data(String(repeating: String(repeating: "z", count: 200) + "\n", count: count).utf8).write(to: lines)
            subscriber.executableURL = URL(fileURLWithPath: sub)
            subscriber.arguments = ["-h", host, "-p", "\(port)", "-t", topic, "-q", "0", "-C", "\(count)"]
            subscriber.standardOutput = FileHandle.nullDevice
            try subscriber.run()
        } catch {
            throw CLIError("unavailable", "cannot run mosquitto_sub: \(error)")
        }
        defer {
            for process in [subscriber, publisher] where process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
        try? await Task.sleep(for: .milliseconds(500))  // subscribed
        let start = ContinuousClock.now
        do {
            publisher.executableURL = URL(fileURLWithPath: pub)
            publisher.arguments = ["-h", host, "-p", "\(port)", "-t", topic, "-q", "0", "-l"]
            publisher.standardInput = try FileHandle(forReadingFrom: lines)
            try publisher.run()
        } catch {
            throw CLIError("unavailable", "cannot run mosquitto_pub: \(error)")
        }
        let deadline = start + .seconds(60)
        while subscriber.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(2)) }
        guard !subscriber.isRunning else {
            throw CLIError("bench-failed", "mosquitto_sub did not receive all \(count) QoS 0 messages within 60 s")
        }
        return Double(count) / BenchPorts.seconds(ContinuousClock.now - start)
    }
}

/// Ports and times of the benchmark's child processes.
enum BenchPorts {
    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func free() throws(CLIError) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CLIError("unavailable", "no socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw CLIError("unavailable", "no free port") }
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

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
