/// The outcome of one simulated run.
public struct SimulationReport: Sendable, CustomStringConvertible {
    /// The scenario that ran.
    public let scenario: SimulationScenario
    /// What the checkers found; empty when the run passed.
    public let failures: [String]
    /// The height each validator reached (committed), by index.
    public let heights: [UInt64]
    /// Simulated time at the end (ms).
    public let endTime: UInt64
    /// Messages sent, dropped and duplicated.
    public let sent: Int, dropped: Int, duplicated: Int
    /// Equivocations the honest validators detected.
    public let evidence: Int
    /// Consensus rounds above 0 that decided a height, summed over heights and honest validators.
    public let extraRounds: UInt64
    /// Decision latencies (ms from a height's start to its decision) seen by honest validators.
    public let decisionLatencies: [UInt64]
    /// Each validator's consensus state at the end: height/round/step, lock.
    public let finalStates: [String]

    /// Whether every checker passed.
    public var passed: Bool { failures.isEmpty }

    public var description: String {
        var lines = ["seed \(scenario.seed): \(passed ? "ok" : "FAILED")",
                     "  validators \(scenario.powers.count) powers \(scenario.powers)"
                         + " byzantine \(scenario.byzantine.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.rawValue)" })",
                     "  faults until \(scenario.faultsEnd) ms: drop \(scenario.dropPerMille)‰ duplicate \(scenario.duplicatePerMille)‰"
                         + " delay ≤ \(scenario.maxDelay) ms, \(scenario.partitions.count) partitions, \(scenario.crashes.count) crashes",
                     "  heights \(heights) at \(endTime) ms; messages sent \(sent) dropped \(dropped) duplicated \(duplicated);"
                         + " evidence \(evidence); extra rounds \(extraRounds)"]
        lines += failures.map { "  FAILURE: \($0)" }
        if !passed { lines += finalStates.map { "  \($0)" } }
        return lines.joined(separator: "\n")
    }
}
