import FogCrypto
public import FogTypes

/// Proposer selection weighted by voting power: Tendermint's priority rotation.
///
/// Every validator holds a priority. One step adds each validator's power to its priority, picks
/// the highest (ties: the lowest address) as proposer and subtracts the total power from it. Over
/// any window of steps, a validator proposes in proportion to its power, and the choice is a pure
/// function of the set and the priorities, so every honest node agrees on it.
///
/// The rotation of height H comes with H's validator set; round r's proposer is the one chosen by
/// the (r + 1)-th step; the next height's rotation is this one after (decision round + 1) steps,
/// carried over to the next height's set (``carried(to:)``).
public struct ProposerRotation: Hashable, Sendable {
    /// The validators, in the set's (address) order.
    public let validators: ValidatorSet
    /// One priority per validator, in the same order.
    public private(set) var priorities: [Int64]

    /// Every priority 0: the rotation of a chain's first height.
    public init(validators: ValidatorSet) {
        self.validators = validators
        self.priorities = Array(repeating: 0, count: validators.validators.count)
    }

    /// A rotation with given priorities (one per validator, in address order), e.g. read back from storage.
    public init(validators: ValidatorSet, priorities: [Int64]) throws(ObjectError) {
        guard priorities.count == validators.validators.count else {
            throw ObjectError(.invalidValue, "proposer rotation: \(priorities.count) priorities for \(validators.validators.count) validators")
        }
        self.validators = validators
        self.priorities = priorities
    }

    /// The largest spread of priorities kept (Tendermint's PriorityWindowSizeFactor × total power).
    private var window: Int64 { 2 * Int64(validators.totalPower) }

    /// Performs one step and returns the proposer it chose.
    @discardableResult
    public mutating func step() -> Validator {
        rescale()
        let total = Int64(validators.totalPower)
        var best = 0
        for index in priorities.indices {
            priorities[index] += Int64(validators.validators[index].power)
            if priorities[index] > priorities[best] { best = index }
        }
        priorities[best] -= total
        return validators.validators[best]
    }

    /// The proposer of `round` when this is the rotation of its height.
    public func proposer(round: UInt64) -> Validator {
        var copy = self
        for _ in 0..<round { copy.step() }
        return copy.step()
    }

    /// This rotation after `steps` steps.
    public func advanced(by steps: UInt64) -> ProposerRotation {
        var copy = self
        for _ in 0..<steps { copy.step() }
        return copy
    }

    /// The rotation carried to another validator set: validators that stay keep their priority, a
    /// new one starts at −1.125 × the new total power (it waits about one full rotation, so that
    /// leaving and re-joining never jumps the queue), and priorities are then re-centred on 0.
    public func carried(to next: ValidatorSet) -> ProposerRotation {
        if next == validators { return self }
        var kept: [Int64] = []
        let newcomer = -(Int64(next.totalPower) + Int64(next.totalPower) / 8)
        for validator in next.validators {
            if let index = validators.validators.firstIndex(where: { $0.address == validator.address }) {
                kept.append(priorities[index])
            } else {
                kept.append(newcomer)
            }
        }
        var rotation = try! ProposerRotation(validators: next, priorities: kept)  // counts match by construction
        rotation.rescale()
        rotation.center()
        return rotation
    }

    /// Keeps the spread of priorities within the window by dividing them all.
    private mutating func rescale() {
        guard let high = priorities.max(), let low = priorities.min() else { return }
        let spread = high - low
        guard spread > window, window > 0 else { return }
        let divisor = (spread + window - 1) / window
        for index in priorities.indices { priorities[index] /= divisor }
    }

    /// Shifts every priority so that they average 0.
    private mutating func center() {
        guard !priorities.isEmpty else { return }
        var sum: Int64 = 0
        for priority in priorities { sum += priority / Int64(priorities.count) }
        for index in priorities.indices { priorities[index] -= sum }
    }
}
