import FogTestSupport
import Foundation
import Testing

/// `fogledger bench --validators 4` end to end with tiny numbers: `init`, four validator child
/// processes, two short offered-rate steps and a short half-load run over HTTP, then every child stopped.
@Suite(.heavy, .serialized) struct BenchNetworkMultiProcessTests {
    @Test(.timeLimit(.minutes(3))) func measuresAFourValidatorNetworkBriefly() async throws {
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("fog-bench-logs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: logs) }
        let result = try await FogledgerBinary.run(
            ["bench", "--validators", "4", "--duration", "2", "--step-seconds", "2", "--start-rate", "40",
             "--max-steps", "2", "--devices", "8", "--connections", "4", "--node-logs", logs, "--json"],
            timeout: 150)
        #expect(result.status == 0, "\(result.out) \(result.err)")
        let report = result.json()
        #expect(report["validators"] as? Int == 4)
        let steps = report["steps"] as? [[String: Any]] ?? []
        #expect(steps.count >= 1 && steps.count <= 2, "\(report)")
        #expect((steps.first?["committedPerSecond"] as? Double ?? 0) > 0, "\(report)")
        #expect((report["maxSustainedPerSecond"] as? Double ?? 0) > 0, "\(report)")
        let half = report["halfLoad"] as? [String: Any] ?? [:]
        let finality = half["finalityMs"] as? [String: Any] ?? [:]
        let p50 = finality["p50"] as? Double ?? 0, p99 = finality["p99"] as? Double ?? 0
        #expect(p50 > 0 && p50 <= p99, "\(half)")
        #expect((report["ed25519VerificationsPerSecond"] as? Double ?? 0) > 100)
        let reference = report["ed25519VerificationsBeforeAfter"] as? [Double] ?? []
        #expect(reference.count == 2 && reference.allSatisfy { $0 > 100 }, "\(reference)")
        let bound = report["aggregateBoundPerSecond"] as? Double ?? 0
        #expect(bound > 0 && (report["ratioToBound"] as? Double ?? 0) > 0, "\(report)")
        #expect(half["refused"] as? Int == 0, "\(half)")
        let readings = report["readingsCommitted"] as? Int ?? 0
        #expect(readings > 0, "\(report)")
        // The store holds at least each reading's signed envelope, and far less than a megabyte per reading.
        let perReading = report["bytesPerReading"] as? Double ?? 0
        #expect(perReading > 64 && perReading < 1_000_000, "\(report)")
        let rss = report["nodeRSSBytes"] as? [String: Any]
        #expect((rss?["peak"] as? Int ?? 0) >= (rss?["current"] as? Int ?? 0) && (rss?["current"] as? Int ?? 0) > 1_000_000, "\(report)")
        let answer = steps.first?["answerMs"] as? [String: Any] ?? [:]
        #expect((answer["p50"] as? Double ?? 0) > 0, "\(steps)")
        // The device holding the validators' files was watched during the half-load run (where the
        // temporary folder is on a block device of its own, it wrote their blocks).
        let device = half["device"] as? [String: Any] ?? [:]
        #expect(device["stallsOver50Ms"] is Int && device["longestStallMs"] is Double, "\(half)")
        if (device["seconds"] as? Double ?? 0) > 0 { #expect((device["bytesWritten"] as? Int ?? 0) > 0, "\(half)") }
        // The validators' CPU while the load was offered: more than nothing, at most every core.
        let cores = half["validatorCores"] as? Double ?? 0
        #expect(cores > 0 && cores <= Double(ProcessInfo.processInfo.activeProcessorCount) + 0.5, "\(half)")
        // Each validator logged its heights' step timings.
        for index in 0..<4 {
            let log = (try? String(contentsOfFile: "\(logs)/node\(index).log", encoding: .utf8)) ?? ""
            let heights = log.split(separator: "\n").filter { $0.contains("committed block") }
            #expect(!heights.isEmpty && heights.allSatisfy { $0.contains("decided-ms=") && $0.contains("stored-ms=") },
                    "node\(index): \(heights.prefix(3))")
        }
    }
}
