import FogCore

/// How a Byzantine validator misbehaves.
public enum ByzantineBehavior: String, Hashable, Sendable, CaseIterable {
    /// Sends nothing.
    case silent
    /// Sends different votes (and, as proposer, different blocks) to different validators.
    case equivocate
    /// As proposer, proposes a block whose state root is wrong.
    case invalidProposal
    /// Sends every vote together with a conflicting one, to everybody.
    case doubleVote
}

/// One simulated run, drawn from a seed: the validators, the network's faults and when they stop.
public struct SimulationScenario: Hashable, Sendable {
    /// The seed everything is drawn from.
    public var seed: UInt64
    /// Voting power of each validator.
    public var powers: [UInt64]
    /// Byzantine validators (indices) and how they behave.
    public var byzantine: [Int: ByzantineBehavior]
    /// Heights every honest validator must reach.
    public var targetHeight: UInt64
    /// Until this time (ms), messages may be dropped, duplicated and delayed more, partitions and crashes happen.
    public var faultsEnd: UInt64
    /// Probability (per mille) that a message is dropped while faults last.
    public var dropPerMille: UInt64
    /// Probability (per mille) that a message is delivered twice while faults last.
    public var duplicatePerMille: UInt64
    /// Largest message delay (ms) while faults last; afterwards delays are 1–`calmDelay` ms.
    public var maxDelay: UInt64
    /// Largest message delay once faults stop.
    public var calmDelay: UInt64
    /// Partitions: from, to (ms) and the group of validators cut off from the others.
    public var partitions: [Partition]
    /// Crashes: which validator, when it crashes and when it restarts (ms).
    public var crashes: [Crash]
    /// Honest validators must reach `targetHeight` within this long after `faultsEnd` (ms).
    public var livenessBound: UInt64
    /// The pause between a decision and the next height (ms).
    public var commitDelay: UInt64

    /// A partition of the network for a while.
    public struct Partition: Hashable, Sendable {
        /// When it starts (ms).
        public var from: UInt64
        /// When it heals (ms).
        public var until: UInt64
        /// The validators on one side.
        public var group: Set<Int>

        /// Creates a partition.
        public init(from: UInt64, until: UInt64, group: Set<Int>) {
            self.from = from
            self.until = until
            self.group = group
        }
    }

    /// A crash and restart.
    public struct Crash: Hashable, Sendable {
        /// The validator.
        public var node: Int
        /// When it crashes (ms).
        public var at: UInt64
        /// When it restarts (ms).
        public var restartAt: UInt64

        /// Creates a crash.
        public init(node: Int, at: UInt64, restartAt: UInt64) {
            self.node = node
            self.at = at
            self.restartAt = restartAt
        }
    }

    /// Draws a small scenario from `seed`: 4–7 validators, at most one Byzantine (less than 1/3 of
    /// the power), some of the fault kinds, and `targetHeight` heights.
    public static func random(seed: UInt64, targetHeight: UInt64 = 3) -> SimulationScenario {
        var rng = SplitMix64(seed: seed)
        func draw(_ bound: UInt64) -> UInt64 { rng.next() % bound }
        let count = draw(4) == 0 ? 4 + Int(draw(4)) : 4
        let weighted = draw(3) == 0
        let powers = (0..<count).map { _ in weighted ? 1 + draw(5) : 10 }
        let faultsEnd = 100 + draw(600)
        var scenario = SimulationScenario(
            seed: seed, powers: powers, byzantine: [:], targetHeight: targetHeight, faultsEnd: faultsEnd,
            dropPerMille: draw(2) == 0 ? 0 : draw(250), duplicatePerMille: draw(2) == 0 ? 0 : draw(150),
            maxDelay: 5 + draw(60), calmDelay: 5, partitions: [], crashes: [], livenessBound: 30_000,
            commitDelay: draw(4) == 0 ? draw(20) : 0)
        if draw(2) == 0 {
            let node = Int(draw(UInt64(count)))
            let total = powers.reduce(0, +)
            if powers[node] * 3 < total {
                scenario.byzantine[node] = ByzantineBehavior.allCases[Int(draw(UInt64(ByzantineBehavior.allCases.count)))]
            }
        }
        for _ in 0..<draw(3) {
            let from = draw(faultsEnd)
            let group = Set((0..<count).filter { _ in draw(2) == 0 })
            scenario.partitions.append(Partition(from: from, until: from + draw(faultsEnd - from + 1), group: group))
        }
        for _ in 0..<draw(3) {
            let node = Int(draw(UInt64(count)))
            guard scenario.byzantine[node] == nil else { continue }
            let at = draw(faultsEnd)
            scenario.crashes.append(Crash(node: node, at: at, restartAt: at + 1 + draw(faultsEnd - at + 1)))
        }
        return scenario
    }
}
