/// The round timeouts of Tendermint (Algorithm 1's timeoutPropose, timeoutPrevote, timeoutPrecommit)
/// and the pause between a decision and the next height, in milliseconds.
///
/// Each timeout grows linearly with the round, `base + perRound × round`, and never exceeds `cap`:
/// a network that lost synchrony for a while is never left waiting for exponentially long rounds.
public struct ConsensusTimeouts: Hashable, Sendable {
    /// A timeout of one step: `min(base + perRound × round, cap)` milliseconds.
    public struct Schedule: Hashable, Sendable {
        /// The timeout of round 0.
        public var base: UInt64
        /// What each further round adds.
        public var perRound: UInt64

        /// Creates a schedule.
        public init(base: UInt64, perRound: UInt64) {
            self.base = base
            self.perRound = perRound
        }
    }

    /// How long a validator waits for the round's proposal.
    public var propose: Schedule
    /// How long a validator waits after seeing +2/3 prevotes for different values.
    public var prevote: Schedule
    /// How long a validator waits after seeing +2/3 precommits for different values.
    public var precommit: Schedule
    /// No timeout is ever longer than this.
    public var cap: UInt64
    /// The pause between deciding a height and starting the next (Tendermint's timeout_commit); 0
    /// starts the next height at once. The driver applies it: the machine decides immediately.
    public var commitDelay: UInt64

    /// Creates timeouts; the defaults suit validators on one local network.
    public init(propose: Schedule = Schedule(base: 300, perRound: 100),
                prevote: Schedule = Schedule(base: 100, perRound: 50),
                precommit: Schedule = Schedule(base: 100, perRound: 50),
                cap: UInt64 = 3_000, commitDelay: UInt64 = 0) {
        self.propose = propose
        self.prevote = prevote
        self.precommit = precommit
        self.cap = cap
        self.commitDelay = commitDelay
    }

    /// The timeout of `step` in `round`, in milliseconds.
    public func duration(_ step: TimeoutStep, round: UInt64) -> UInt64 {
        let schedule: Schedule
        switch step {
        case .propose: schedule = propose
        case .prevote: schedule = prevote
        case .precommit: schedule = precommit
        }
        let (growth, overflow) = schedule.perRound.multipliedReportingOverflow(by: round)
        if overflow || growth >= cap { return cap }
        return min(schedule.base + growth, cap)
    }
}

/// The step a timeout belongs to.
public enum TimeoutStep: UInt8, Hashable, Sendable, CustomStringConvertible {
    /// OnTimeoutPropose (line 57).
    case propose
    /// OnTimeoutPrevote (line 61).
    case prevote
    /// OnTimeoutPrecommit (line 65).
    case precommit

    public var description: String {
        switch self {
        case .propose: return "propose"
        case .prevote: return "prevote"
        case .precommit: return "precommit"
        }
    }
}

/// A timeout the machine asked for, and gets back as an event when it fires.
public struct ConsensusTimeout: Hashable, Sendable, CustomStringConvertible {
    /// The height it was scheduled in.
    public let height: UInt64
    /// The round it was scheduled in.
    public let round: UInt64
    /// Its step.
    public let step: TimeoutStep

    /// Creates a timeout.
    public init(height: UInt64, round: UInt64, step: TimeoutStep) {
        self.height = height
        self.round = round
        self.step = step
    }

    public var description: String { "timeout-\(step)(\(height)/\(round))" }
}
