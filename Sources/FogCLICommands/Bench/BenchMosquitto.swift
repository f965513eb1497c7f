import Foundation

/// The Mosquitto tools of `fogledger bench --via mqtt`: where they are installed, and the broker's own
/// QoS 0 rate measured with them, the baseline of the same run.
enum BenchMosquitto {
    /// An installed Mosquitto tool (`mosquitto`, `mosquitto_pub`, `mosquitto_sub`).
    static func tool(_ name: String) -> String? {
        ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"].map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts a broker of the benchmark's own in a temporary folder, with a generous per-client queue
    /// so that the gateway's subscription is never cut off at the default of 1,000 queued messages.
    static func start() async throws(CLIError) -> (broker: LocalBroker, folder: URL) {
        guard let binary = tool("mosquitto") else {
            throw CLIError("unavailable", "mosquitto is not installed (apt-get install mosquitto mosquitto-clients), or pass --broker URL")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fogledger-bench-broker-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw CLIError("io-error", "cannot create \(folder.path): \(error)")
        }
        do {
            let broker = try await LocalBroker.start(executable: binary, folder: folder.path,
                                                     extraConfiguration: ["max_queued_messages 1000000", "max_inflight_messages 0"])
            return (broker, folder)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
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
        return Double(count) / (ContinuousClock.now - start).inSeconds
    }
}
