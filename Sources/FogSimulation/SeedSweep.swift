import Dispatch
import Synchronization

/// Runs many seeds, on several threads (each seed's run is independent and deterministic), and
/// collects the failures.
public enum SeedSweep {
    /// The outcome of a sweep.
    public struct Outcome: Sendable {
        /// How many seeds ran.
        public let seeds: Int
        /// The reports of the seeds that failed, by seed.
        public let failed: [SimulationReport]
        /// Decision latencies (ms, simulated) over every run.
        public let latencies: [UInt64]
        /// Runs in which an honest validator detected an equivocation.
        public let runsWithEvidence: Int
    }

    /// Runs seeds `start ..< start + count` with `targetHeight` heights each, on `workers` threads.
    public static func run(start: UInt64, count: Int, targetHeight: UInt64 = 3, workers: Int = 1) -> Outcome {
        let reports = Mutex<[SimulationReport]>([])
        let threads = max(1, min(workers, count))
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            var mine: [SimulationReport] = []
            for offset in stride(from: worker, to: count, by: threads) {
                mine.append(runSeed(start + UInt64(offset), targetHeight: targetHeight))
            }
            reports.withLock { $0 += mine }
        }
        let all = reports.withLock { $0 }.sorted { $0.scenario.seed < $1.scenario.seed }
        return Outcome(seeds: all.count, failed: all.filter { !$0.passed }, latencies: all.flatMap(\.decisionLatencies),
                       runsWithEvidence: all.filter { $0.evidence > 0 }.count)
    }

    /// Runs one seed's scenario.
    public static func runSeed(_ seed: UInt64, targetHeight: UInt64 = 3) -> SimulationReport {
        let scenario = SimulationScenario.random(seed: seed, targetHeight: targetHeight)
        do {
            return try Simulator(scenario: scenario).run()
        } catch {
            return SimulationReport(scenario: scenario, failures: ["setup: \(error)"], heights: [], endTime: 0, sent: 0,
                                    dropped: 0, duplicated: 0, evidence: 0, extraRounds: 0, decisionLatencies: [],
                                    finalStates: [])
        }
    }
}
