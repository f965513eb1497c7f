import FogTestSupport
import Foundation
import Testing

/// `fogledger bench` end to end with tiny numbers: this executable, a dev node child process it
/// starts and stops, and real HTTP load for about a second. No warm-up is left out: a few hundred
/// envelopes can all be answered within any warm-up, which would leave an empty window.
@Suite(.heavy, .serialized) struct BenchCommandMultiProcessTests {
    @Test(.timeLimit(.minutes(3))) func measuresADevNodeBriefly() async throws {
        for batch in ["1", "5"] {
            let result = try await FogledgerBinary.run(
                ["bench", "--batch", batch, "--duration", "1.5", "--warmup", "0", "--devices", "4", "--connections", "2",
                 "--max-rate", "300", "--json"],
                timeout: 150)
            #expect(result.status == 0, "\(result.out) \(result.err)")
            let report = result.json()
            #expect(report["validators"] as? Int == 1 && report["batch"] as? Int == Int(batch))
            let committed = report["readingsCommitted"] as? Int ?? 0
            #expect(committed > 0, "\(report)")
            #expect((report["readingsPerSecond"] as? Double ?? 0) > 0, "\(report)")
            #expect((report["ed25519VerificationsPerSecond"] as? Double ?? 0) > 100)
            let reference = report["ed25519VerificationsBeforeAfter"] as? [Double] ?? []
            #expect(reference.count == 2 && reference.allSatisfy { $0 > 100 }, "\(reference)")
            #expect((report["bytesPerReading"] as? Double ?? 0) > 0)
            let finality = report["finalityMs"] as? [String: Any] ?? [:]
            let p50 = finality["p50"] as? Double ?? 0, p99 = finality["p99"] as? Double ?? 0
            #expect(p50 > 0 && p50 <= p99, "\(finality)")
            let rss = report["nodeRSSBytes"] as? [String: Any] ?? [:]
            #expect((rss["peak"] as? Int ?? 0) > 1_000_000)
            #expect(report["refused"] as? Int == 0)
        }
    }

    /// Bulk mode: each request carries several envelopes as one application/cbor-seq body.
    @Test(.timeLimit(.minutes(3))) func measuresBulkSubmissionBriefly() async throws {
        let result = try await FogledgerBinary.run(
            ["bench", "--per-request", "16", "--duration", "1.5", "--warmup", "0", "--devices", "4", "--connections", "2",
             "--max-rate", "600", "--json"],
            timeout: 150)
        #expect(result.status == 0, "\(result.out) \(result.err)")
        let report = result.json()
        #expect(report["envelopesPerRequest"] as? Int == 16 && report["batch"] as? Int == 1)
        #expect((report["readingsCommitted"] as? Int ?? 0) > 0, "\(report)")
        #expect((report["readingsPerSecond"] as? Double ?? 0) > 0, "\(report)")
        let finality = report["finalityMs"] as? [String: Any] ?? [:]
        let p50 = finality["p50"] as? Double ?? 0, p99 = finality["p99"] as? Double ?? 0
        #expect(p50 > 0 && p50 <= p99, "\(finality)")
        #expect(report["refused"] as? Int == 0)
    }

    @Test func refusesEnvelopesPerRequestOutsideTheRouteLimit() async throws {
        for perRequest in ["0", "1025"] {
            let result = try await FogledgerBinary.run(["bench", "--per-request", perRequest, "--json"])
            #expect(result.status == 1)
            #expect(result.errorCode == "invalid-argument")
            #expect(result.out.contains("--per-request must be 1"))
        }
    }

    @Test func refusesTooManyValidators() async throws {
        let result = try await FogledgerBinary.run(["bench", "--validators", "17", "--json"])
        #expect(result.status == 1)
        #expect(result.errorCode == "invalid-argument")
        #expect(result.out.contains("--validators must be 1"))
    }
}
