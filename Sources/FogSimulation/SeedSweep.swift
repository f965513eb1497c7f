/// Runs many seeds and collects the failures.
public enum SeedSweep {
    /// The outcome of a sweep.
    public struct Outcome: Sendable {
        /// How many seeds ran.
        public let seeds: Int
        /// The reports of the seeds that failed.
        public let failed: [SimulationReport]
        /// Decision latencies (ms, simulated) over every run.
        public let latencies: [UInt64]
        /// Runs in which an honest validator detected an equivocation.
        public let runsWithEvidence: Int
    }

    /// Runs seeds `start ..< start + count` with `targetHeight` heights each.
    public static func run(start: UInt64, count: Int, targetHeight: UInt64 = 3) -> Outcome {
        var failed: [SimulationReport] = []
        var latencies: [UInt64] = []
        var withEvidence = 0
        for seed in start..<start + UInt64(count) {
            let report = runSeed(seed, targetHeight: targetHeight)
            if !report.passed { failed.append(report) }
            if report.evidence > 0 { withEvidence += 1 }
            latencies += report.decisionLatencies
        }
        return Outcome(seeds: count, failed: failed, latencies: latencies, runsWithEvidence: withEvidence)
    }

    /// Runs one seed's scenario.
    public static func runSeed(_ seed: UInt64, targetHeight: UInt64 = 3) -> SimulationReport {
        let scenario = SimulationScenario.random(seed: seed, targetHeight: targetHeight)
        do {
            return try Simulator(scenario: scenario).run()
        } catch {
            return SimulationReport(scenario: scenario, failures: ["setup: \(error)"], heights: [], endTime: 0, sent: 0,
                                    dropped: 0, duplicated: 0, evidence: 0, extraRounds: 0, decisionLatencies: [])
        }
    }
}
