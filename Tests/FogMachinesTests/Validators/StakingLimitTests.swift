import FogCore
import FogCrypto
import FogExecution
import FogTypes
import Testing

/// The staking limits, reached by seeding the state.
@Suite struct StakingLimitTests {
    typealias V = ValidatorChain

    func dpos() -> Ledger { Ledger(genesis: V.genesis(.dpos, count: 2, power: 20)) }

    @Test func candidatesAreLimited() throws {
        var ledger = dpos()
        let schedule = try #require(try ledger.store.validatorSchedule())
        try ledger.seed(StateKey.validatorSchedule, try ValidatorSchedule(
            mode: .dpos, candidates: fakeAddresses(ValidatorSchedule.maxCandidates), setHeights: schedule.setHeights,
            unbonding: []))
        let candidate = V.keys[2]
        #expect(try ledger.code(ledger.tx(candidate, .validator(.bond(publicKey: candidate.publicKey, amount: 10)))) == "too-many-candidates")
    }

    @Test func delegationsArePerValidatorLimited() throws {
        var ledger = dpos()
        let stakes = fakeAddresses(ValidatorRecord.maxStakes - 1).map { Stake(delegator: $0, amount: 1) }
            + [Stake(delegator: V.address(0), amount: 20)]
        try ledger.seed(StateKey.validator(V.address(0)), try ValidatorRecord(
            publicKey: V.keys[0].publicKey, operatorAccount: V.address(0), jailed: false, stakes: stakes.sorted { $0.delegator < $1.delegator }))
        #expect(try ledger.code(ledger.tx(Ledger.alice, .validator(.delegate(validator: V.address(0), amount: 1)))) == "too-many-delegations")
        // A delegator already there may add to its stake.
        #expect(try ledger.code(ledger.tx(V.keys[0], .validator(.delegate(validator: V.address(0), amount: 1)))) == "ok")
        #expect(try ledger.store.validatorRecord(V.address(0))?.stake(of: V.address(0)) == 21)
    }

    @Test func theUnbondingQueueIsLimited() throws {
        var ledger = dpos()
        let schedule = try #require(try ledger.store.validatorSchedule())
        let entries = fakeAddresses(ValidatorSchedule.maxUnbonding).map { UnbondingEntry(maturity: 500, account: $0, amount: 1) }
        try ledger.seed(StateKey.validatorSchedule, try ValidatorSchedule(
            mode: .dpos, candidates: schedule.candidates, setHeights: schedule.setHeights, unbonding: entries))
        #expect(try ledger.code(ledger.tx(V.keys[0], .validator(.undelegate(validator: V.address(0), amount: 1)))) == "unbonding-queue-full")
    }

    @Test func aValidatorsTotalStakeCannotOverflow() throws {
        var ledger = dpos()
        try ledger.seed(StateKey.validator(V.address(0)), try ValidatorRecord(
            publicKey: V.keys[0].publicKey, operatorAccount: V.address(0), jailed: false,
            stakes: [Stake(delegator: V.address(0), amount: .max - 10)]))
        #expect(try ledger.code(ledger.tx(Ledger.alice, .validator(.delegate(validator: V.address(0), amount: 11)))) == "balance-overflow")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .validator(.delegate(validator: V.address(0), amount: 10)))) == "ok")
    }

    /// An election whose power would pass the set limit keeps the pending set.
    @Test func anElectionOverThePowerLimitKeepsThePendingSet() throws {
        var ledger = dpos()
        let before = try ledger.store.pendingValidatorSet()
        try ledger.seed(StateKey.validator(V.address(0)), try ValidatorRecord(
            publicKey: V.keys[0].publicKey, operatorAccount: V.address(0), jailed: false,
            stakes: [Stake(delegator: V.address(0), amount: ValidatorSet.maxTotalPower)]))
        try ledger.runEmpty(until: 4)
        #expect(try ledger.store.pendingValidatorSet() == before)
    }
}
