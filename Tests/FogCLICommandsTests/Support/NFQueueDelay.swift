import FogTestKit
import Foundation
import Testing

/// A fixed delay on every packet a network namespace receives, for kernels without the netem qdisc:
/// an iptables rule hands the packets arriving on an interface to a netfilter queue, and
/// Tests/Netns/nfqueue_delay.py, run in that namespace, accepts each one after the delay.
///
/// The delay is applied where packets arrive, not where they leave: a packet held on its way out
/// still counts against its sending socket, and TCP's small-queue limit would then let a connection
/// have only a few packets in flight per delay (netem releases that charge; a netfilter queue does
/// not). Held on arrival, every packet between two namespaces is still delayed exactly once.
final class NFQueueDelay: @unchecked Sendable {
    // `@unchecked Sendable`: used from one test at a time; `programs` is only touched by that test.

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Netns/nfqueue_delay.py")
    static let python: URL? = NetnsLab.executable("python3")
    /// The queue the rule and the program share; each namespace has queues of its own.
    static let queue = 20
    /// A program left behind by a test that crashed exits after this long (accepting what it holds).
    static let lifetimeSeconds = 600

    private var programs: [(process: Process, log: String)] = []

    /// Why the delay cannot be applied on this machine, or nil when it can.
    static var unavailableReason: String? {
        if python == nil { return "no python3 for \(script.lastPathComponent)" }
        if NetnsLab.iptablesTool == nil { return "no iptables for the NFQUEUE rule" }
        if !FileManager.default.isReadableFile(atPath: script.path) { return "\(script.path) is missing" }
        return nil
    }

    /// Holds every packet arriving on `interface` in `namespace` for `milliseconds`: starts the
    /// program, waits until it has bound the queue, then appends the rule to INPUT. The rule has
    /// `--queue-bypass`, so packets pass undelayed rather than vanish should the program be gone.
    func apply(namespace: String, interface: String, milliseconds: Int, log: String) throws {
        let ip = try #require(NetnsLab.ipTool), python = try #require(Self.python)
        let iptables = try #require(NetnsLab.iptablesTool)
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: log))
        let process = Process()
        process.executableURL = ip
        process.arguments = ["netns", "exec", namespace, python.path, Self.script.path, "--queue", "\(Self.queue)",
                             "--delay-ms", "\(milliseconds)", "--max-seconds", "\(Self.lifetimeSeconds)"]
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        programs.append((process, log))
        try waitBound(process, log: log)
        let rule = ["netns", "exec", namespace, iptables.path, "-A", "INPUT", "-i", interface,
                    "-j", "NFQUEUE", "--queue-num", "\(Self.queue)", "--queue-bypass"]
        let added = try Subprocess.run(ip, rule, timeout: 90)
        guard added.status == 0 else {
            throw NetnsError(description: "iptables NFQUEUE rule in \(namespace): status \(added.status): \(added.err)")
        }
    }

    /// Waits (on a loaded machine Python may take seconds to start) for the program's "bound" line.
    private func waitBound(_ process: Process, log: String) throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if text.hasPrefix("bound queue") { return }
            if !process.isRunning {
                let name = Self.script.lastPathComponent
                throw NetnsError(description: "\(name) exited (\(process.terminationStatus)): \(text)")
            }
            usleep(50_000)
        }
        throw NetnsError(description: "\(Self.script.lastPathComponent) did not bind its queue within 60 s")
    }

    /// Stops every program (SIGTERM: each accepts what it holds and prints its counts; SIGKILL after
    /// 10 s) and returns each one's last line of output.
    func stop() -> [String] {
        for (process, _) in programs where process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(10)
        while programs.contains(where: { $0.process.isRunning }), Date() < deadline { usleep(50_000) }
        for (process, _) in programs where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let lines = programs.map { program in
            ((try? String(contentsOfFile: program.log, encoding: .utf8)) ?? "")
                .split(separator: "\n").last.map(String.init) ?? "(no output)"
        }
        programs = []
        return lines
    }
}
