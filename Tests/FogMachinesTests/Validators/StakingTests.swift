import FogCore
import FogCrypto
import FogExecution
import FogTypes
import Testing

@Suite struct StakingTests {
    typealias V = ValidatorChain
    let alice = Ledger.alice.publicKey.address

    func dpos(count: Int = 2) -> Ledger { Ledger(genesis: V.genesis(.dpos, count: count, power: 20)) }

    @Test func genesisValidatorsAreSelfBondedCandidates() throws {
        let ledger = dpos()
        let record = try #require(try ledger.store.validatorRecord(V.address(0)))
        #expect(record.stakes == [Stake(delegator: V.address(0), amount: 20)])
        #expect(try ledger.store.validatorSchedule()?.candidates == [V.address(0), V.address(1)].sorted())
    }

    @Test func bondDelegateAndUndelegateMoveTokens() throws {
        var ledger = dpos()
        let candidate = V.keys[2]
        #expect(try ledger.code(ledger.tx(candidate, .validator(.bond(publicKey: candidate.publicKey, amount: 50)))) == "ok")
        #expect(try ledger.account(candidate)?.balance == 950)
        #expect(try ledger.store.validatorSchedule()?.candidates.contains(candidate.publicKey.address) == true)
        #expect(try ledger.code(ledger.tx(Ledger.alice, .validator(.delegate(validator: V.address(2), amount: 30)))) == "ok")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .validator(.delegate(validator: V.address(2), amount: 5)))) == "ok")
        #expect(try ledger.account(Ledger.alice)?.balance == 965)
        #expect(try ledger.store.validatorRecord(V.address(2))?.totalStake == 85)
        #expect(try ledger.store.validatorRecord(V.address(2))?.stake(of: alice) == 35)
        // Undelegated in block 4, with an unbonding period of 3: back at the start of block 7.
        #expect(try ledger.code(ledger.tx(Ledger.alice, .validator(.undelegate(validator: V.address(2), amount: 35)))) == "ok")
        #expect(try ledger.store.validatorRecord(V.address(2))?.stake(of: alice) == 0)
        #expect(try ledger.store.validatorSchedule()?.unbonding == [UnbondingEntry(maturity: 7, account: alice, amount: 35)])
        try ledger.runEmpty(until: 6)
        #expect(try ledger.account(Ledger.alice)?.balance == 965)
        try ledger.run([])
        #expect(try ledger.account(Ledger.alice)?.balance == 1_000)
        #expect(try ledger.store.validatorSchedule()?.unbonding == [])
    }

    @Test func stakingErrors() throws {
        var ledger = dpos()
        let candidate = V.keys[2]
        #expect(try ledger.code(ledger.tx(candidate, .validator(.bond(publicKey: candidate.publicKey, amount: 9)))) == "below-min-self-bond")
        #expect(try ledger.code(ledger.tx(candidate, .validator(.bond(publicKey: candidate.publicKey, amount: 1_001)))) == "insufficient-balance")
        #expect(try ledger.code(ledger.tx(candidate, .validator(.bond(publicKey: V.keys[0].publicKey, amount: 10)))) == "validator-exists")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .validator(.delegate(validator: alice, amount: 5)))) == "unknown-validator")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .validator(.delegate(validator: V.address(0), amount: 1_001)))) == "insufficient-balance")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .validator(.undelegate(validator: alice, amount: 5)))) == "unknown-validator")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .validator(.undelegate(validator: V.address(0), amount: 1)))) == "insufficient-stake")
        #expect(try ledger.code(ledger.tx(V.keys[0], .validator(.undelegate(validator: V.address(0), amount: 21)))) == "insufficient-stake")
        #expect(try ledger.code(ledger.tx(V.keys[0], V.propose(candidate, power: 1, by: 0))) == "wrong-consensus-mode")
        #expect(try ledger.code(ledger.tx(V.keys[0], V.approve(.zero, by: 0))) == "wrong-consensus-mode")
        // Nothing failed changed anything but blocks.
        #expect(try ledger.account(candidate) == AccountRecord(publicKey: candidate.publicKey, nonce: 0, balance: 1_000))
    }

    /// At heights that are multiples of the epoch length the top `maxValidators` candidates by stake
    /// become the pending set; it signs two heights later.
    @Test func epochsElectTheTopCandidatesByStake() throws {
        var ledger = dpos()
        let genesisSet = V.genesis(.dpos, count: 2, power: 20).validators
        let candidate = V.keys[2]
        try ledger.run([ledger.tx(candidate, .validator(.bond(publicKey: candidate.publicKey, amount: 50))),
                        ledger.tx(Ledger.alice, .validator(.delegate(validator: V.address(0), amount: 30)))])
        try ledger.runEmpty(until: 3)
        #expect(try ledger.store.pendingValidatorSet() == genesisSet)
        let epoch = try ledger.run([])  // height 4
        let elected = try ValidatorSet([try Validator(publicKey: V.keys[0].publicKey, power: 50),
                                        try Validator(publicKey: candidate.publicKey, power: 50)])
        #expect(try ledger.store.pendingValidatorSet() == elected)
        #expect(epoch.nextValidators == genesisSet)
        let fifth = try ledger.run([])
        #expect(fifth.validators == genesisSet && fifth.nextValidators == elected)
        #expect(try ledger.run([]).validators == elected)
    }

    @Test func tiesGoToTheLowerAddressAndSmallSelfBondsAreNotElected() throws {
        var ledger = dpos(count: 3)
        // Three candidates of 20 for two places: the two lowest addresses win.
        try ledger.runEmpty(until: 4)
        let lowest = Array(V.keys.prefix(3).sorted { $0.publicKey.address < $1.publicKey.address }.prefix(2))
        #expect(try ledger.store.pendingValidatorSet()?.validators.map(\.address) == lowest.map(\.publicKey.address))
        // The lowest leaves its self-bond at 5 (< 10) though Alice backs it with 100: not elected.
        let leaving = lowest[0]
        try ledger.run([ledger.tx(leaving, .validator(.undelegate(validator: leaving.publicKey.address, amount: 15))),
                        ledger.tx(Ledger.alice, .validator(.delegate(validator: leaving.publicKey.address, amount: 100)))])
        try ledger.runEmpty(until: 8)
        #expect(try ledger.store.pendingValidatorSet()?.validator(leaving.publicKey.address) == nil)
        #expect(try ledger.store.pendingValidatorSet()?.validators.count == 2)
    }
}
