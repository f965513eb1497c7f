public import FogCrypto
public import FogTypes

/// The votes of one step (prevote or precommit) of one round, weighted by voting power.
///
/// As in the paper, a quorum "for v" counts every validator that sent a vote for v: a validator that
/// equivocated may count for two values (its conflicting vote is counted only when the caller admits
/// it, which bounds what a Byzantine validator can make the tally hold). Power "for anything"
/// counts each validator once.
public struct VoteTally: Sendable {
    /// What adding a vote did.
    public enum Outcome: Sendable {
        /// Counted; the validator's first vote in this step.
        case added
        /// The same vote was already counted.
        case duplicate
        /// The validator already voted differently in this step and round: its first vote.
        case conflict(Signed<Vote>)
    }

    /// Each validator's first vote.
    public private(set) var votes: [Address: Signed<Vote>] = [:]
    /// The votes per value (`nil`: the nil vote), by validator.
    private var byValue: [Hash256?: [Address: Signed<Vote>]] = [:]
    /// Power per value.
    private var powerByValue: [Hash256?: UInt64] = [:]
    /// The power of the validators that voted, each once.
    public private(set) var totalPower: UInt64 = 0

    /// An empty tally.
    public init() {}

    /// Counts `vote` with its validator's `power`; a vote conflicting with the validator's first is
    /// counted for its value only when `admitConflicting`.
    public mutating func add(_ vote: Signed<Vote>, power: UInt64, admitConflicting: Bool = false) -> Outcome {
        let validator = vote.object.validator
        let value = vote.object.blockID
        if byValue[value]?[validator] != nil { return .duplicate }
        guard let first = votes[validator] else {
            votes[validator] = vote
            byValue[value, default: [:]][validator] = vote
            powerByValue[value, default: 0] += power
            totalPower += power
            return .added
        }
        if admitConflicting {
            byValue[value, default: [:]][validator] = vote
            powerByValue[value, default: 0] += power
        }
        return .conflict(first)
    }

    /// Whether this exact vote (same bytes) is already held.
    public func holds(_ vote: Signed<Vote>) -> Bool {
        byValue[vote.object.blockID]?[vote.object.validator]?.bytes == vote.bytes
    }

    /// The power that voted for `value` (`nil`: for nil).
    public func power(for value: Hash256?) -> UInt64 { powerByValue[value] ?? 0 }

    /// The block that more than 2/3 of `validators`' power voted for, if any (the lowest id when an
    /// equivocating minority makes two blocks reach it, which needs 1/3 or more faulty power).
    public func quorumBlock(of validators: ValidatorSet) -> Hash256? {
        powerByValue.compactMap { value, power in validators.isQuorum(power) ? value : nil }.min()
    }

    /// The votes for `value`, sorted by validator address.
    public func votes(for value: Hash256?) -> [Signed<Vote>] {
        (byValue[value] ?? [:]).values.sorted { $0.object.validator < $1.object.validator }
    }
}

/// The prevotes and precommits of one round.
public struct RoundVotes: Sendable {
    /// The prevotes.
    public var prevotes = VoteTally()
    /// The precommits.
    public var precommits = VoteTally()

    /// An empty round.
    public init() {}

    /// The power of the distinct validators that sent any vote in this round (line 55's f + 1 test).
    public func senderPower(in validators: ValidatorSet) -> UInt64 {
        var senders = Set(prevotes.votes.keys)
        senders.formUnion(precommits.votes.keys)
        return senders.reduce(0) { $0 + (validators.validator($1)?.power ?? 0) }
    }
}
