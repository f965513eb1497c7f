public import FogCrypto
public import FogTypes

/// The votes of one step (prevote or precommit) of one round, weighted by voting power.
///
/// Holds at most one vote per validator: a second, different vote from the same validator is
/// reported as a conflict (and not counted), an identical one as a duplicate.
public struct VoteTally: Sendable {
    /// What adding a vote did.
    public enum Outcome: Sendable {
        /// Counted.
        case added
        /// The same vote was already counted.
        case duplicate
        /// The validator already voted differently in this step and round: the earlier vote.
        case conflict(Signed<Vote>)
    }

    /// The votes, by validator.
    public private(set) var votes: [Address: Signed<Vote>] = [:]
    /// Power per value voted for (`nil`: the nil vote).
    private var powerByValue: [Hash256?: UInt64] = [:]
    /// The power of every vote counted.
    public private(set) var totalPower: UInt64 = 0

    /// An empty tally.
    public init() {}

    /// Counts `vote` with its validator's `power`.
    public mutating func add(_ vote: Signed<Vote>, power: UInt64) -> Outcome {
        if let existing = votes[vote.object.validator] {
            return existing.object.blockID == vote.object.blockID ? .duplicate : .conflict(existing)
        }
        votes[vote.object.validator] = vote
        powerByValue[vote.object.blockID, default: 0] += power
        totalPower += power
        return .added
    }

    /// The power that voted for `value` (`nil`: for nil).
    public func power(for value: Hash256?) -> UInt64 { powerByValue[value] ?? 0 }

    /// The block that more than 2/3 of `validators`' power voted for, if any.
    public func quorumBlock(of validators: ValidatorSet) -> Hash256? {
        for (value, power) in powerByValue where value != nil && validators.isQuorum(power) { return value }
        return nil
    }

    /// The votes for `value`, sorted by validator address.
    public func votes(for value: Hash256?) -> [Signed<Vote>] {
        votes.values.filter { $0.object.blockID == value }.sorted { $0.object.validator < $1.object.validator }
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

/// Two different votes one validator signed for the same height, round and step: proof that it
/// equivocated, which anyone can check with the validator's key.
public struct Equivocation: Hashable, Sendable {
    /// The vote seen first.
    public let first: Signed<Vote>
    /// The conflicting vote.
    public let second: Signed<Vote>

    /// Pairs two votes; they must be by one validator for one height, round and step, with different values.
    public init(first: Signed<Vote>, second: Signed<Vote>) throws(ObjectError) {
        let a = first.object
        let b = second.object
        guard a.validator == b.validator, a.chainID == b.chainID, a.height == b.height, a.round == b.round,
              a.step == b.step, a.blockID != b.blockID
        else {
            throw ObjectError(.invalidValue, "equivocation: the votes are not two values of one validator's step")
        }
        self.first = first
        self.second = second
    }

    /// The validator that signed both.
    public var validator: Address { first.object.validator }
}
