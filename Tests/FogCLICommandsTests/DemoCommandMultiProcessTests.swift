import FogTestSupport
import Foundation
import Testing

/// `fogledger demo` as a new user runs it, shortened: four validator processes, a fleet over HTTP,
/// one validator killed and restarted, a proof verified offline, and no process left behind.
@Suite(.heavy, .serialized) struct DemoCommandMultiProcessTests {
    /// The pids of processes whose command line mentions `text`.
    static func processes(mentioning text: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard pid != getpid(), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(text)
        }
    }

    /// Runs a 14 s demo of 4 validators and 16 devices over `transport`, keeping its files in
    /// `folder`, and returns its JSON report once it has exited 0 with `succeeded`.
    static func runDemo(transport: String, keeping folder: String) async throws -> [String: Any] {
        let result = try await FogledgerBinary.run(
            ["demo", "--validators", "4", "--devices", "16", "--rate", "40", "--duration", "14", "--transport", transport,
             "--keep", folder, "--json"],
            timeout: 150)
        #expect(result.status == 0, "\(result.out) \(result.err)")
        let report = result.json()
        #expect(report["transport"] as? String == transport)
        #expect(report["succeeded"] as? Bool == true, "\(report)")
        return report
    }

    @Test(.timeLimit(.minutes(3))) func networkCommitsEverywhereSurvivesARestartAndProvesAReading() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fogledger-demo-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = try await Self.runDemo(transport: "http", keeping: folder)
        let committed = report["readingsCommitted"] as? Int ?? 0
        #expect(committed > 0)
        let validators = report["validators"] as? [[String: Any]] ?? []
        #expect(validators.count == 4)
        for validator in validators {
            #expect((validator["readings"] as? Int ?? 0) > 0, "\(validator)")
            #expect(validator["state"] as? String == "up", "\(validator)")
        }
        #expect(report["identicalBlocks"] as? Bool == true)
        let restart = report["restart"] as? [String: Any] ?? [:]
        #expect(restart["node"] as? String == "node3")
        #expect(restart["caughtUp"] as? Bool == true, "\(restart)")
        #expect((restart["caughtUpAtHeight"] as? Int ?? 0) >= (restart["networkHeightAtRestart"] as? Int ?? Int.max) - 1)
        let proof = report["proof"] as? [String: Any] ?? [:]
        #expect(proof["verified"] as? Bool == true, "\(proof)")
        #expect((proof["height"] as? Int ?? 0) >= 1)
        #expect(Self.processes(mentioning: folder).isEmpty, "the demo left processes running")
    }

    /// Through the demo's own Mosquitto and node0's gateway, every reading a device took is committed
    /// on every validator, even while another validator is killed and restarted.
    @Test(.timeLimit(.minutes(3))) func overMQTTEveryReadingIsCommitted() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/mosquitto") else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("mosquitto is not installed") }
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fogledger-demo-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = try await Self.runDemo(transport: "mqtt", keeping: folder)
        let sent = report["readingsSent"] as? Int ?? 0
        #expect(sent > 0 && report["readingsCommitted"] as? Int == sent, "\(report)")
        #expect(report["readingsRejected"] as? Int == 0 && report["unanswered"] as? Int == 0, "\(report)")
        for validator in report["validators"] as? [[String: Any]] ?? [] {
            #expect(validator["readings"] as? Int == sent, "\(validator)")
        }
        #expect((report["proof"] as? [String: Any])?["verified"] as? Bool == true, "\(report)")
        #expect(Self.processes(mentioning: folder).isEmpty, "the demo left processes running")
    }

    @Test(.timeLimit(.minutes(3))) func sigtermEndsTheRunWithASummaryAndStopsEveryNode() async throws {
        let binary = try #require(FogledgerBinary.url, Comment(rawValue: FogledgerBinary.missingReason))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fogledger-demo-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["demo", "--validators", "3", "--devices", "6", "--rate", "12", "--duration", "600",
                             "--transport", "http", "--keep", folder, "--json"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // Wait until the fleet sends (its queues exist), then a few seconds more.
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline, process.isRunning,
              !FileManager.default.fileExists(atPath: "\(folder)/device-queues") {
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .seconds(4))
        #expect(Self.processes(mentioning: "\(folder)/node").count == 3, "three validator processes run")
        kill(process.processIdentifier, SIGTERM)
        let stopDeadline = ContinuousClock.now + .seconds(90)
        while process.isRunning, ContinuousClock.now < stopDeadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning, "the demo did not end after SIGTERM")
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let report = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        #expect(report["interrupted"] as? Bool == true, "\(String(decoding: data, as: UTF8.self))")
        #expect((report["proof"] as? [String: Any])?["verified"] as? Bool == true, "\(report)")
        #expect(Self.processes(mentioning: folder).isEmpty, "the demo left processes running")
    }
}
