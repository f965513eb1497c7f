import FogCore
import FogCrypto
import FogExecution
import FogTypes
import Testing

@Suite struct EvidenceTests {
    typealias V = ValidatorChain

    /// A PoA chain of 4 at height 2.
    func poa() throws -> Ledger {
        var ledger = Ledger(genesis: V.genesis(.poa))
        try ledger.runEmpty(until: 2)
        return ledger
    }

    func submit(_ ledger: inout Ledger, _ first: Signed<Vote>, _ second: Signed<Vote>) throws -> String {
        try ledger.code(ledger.tx(Ledger.alice, V.evidence(first, second)))
    }

    @Test func equivocationRemovesAPoAValidatorForGood() throws {
        var ledger = try poa()
        let offender = V.address(1)
        #expect(try submit(&ledger, V.vote(1, height: 1, block: 1), V.vote(1, height: 1, block: 2)) == "ok")
        #expect(try ledger.store.validatorRecord(offender)?.jailed == true)
        let pending = try #require(try ledger.store.pendingValidatorSet())
        #expect(pending.validator(offender) == nil && pending.validators.count == 3)
        // Block 3 held the evidence: header 4 names the new next set, which signs from 5.
        #expect(try ledger.run([]).nextValidators == pending)
        #expect(try ledger.store.validatorSet(forHeight: 5) == pending)
        // The same evidence again, or a vote for nil against a vote for a block: punished already.
        #expect(try submit(&ledger, V.vote(1, height: 1, block: 1), V.vote(1, height: 1, block: 2)) == "already-punished")
        #expect(try submit(&ledger, V.vote(1, height: 2, block: nil), V.vote(1, height: 2, block: 3)) == "already-punished")
        // Governance cannot bring it back.
        let back = V.propose(V.keys[1], power: 1, by: 0)
        #expect(try ledger.code(ledger.tx(V.keys[0], back)) == "validator-jailed")
    }

    @Test func evidenceThatProvesNothingIsRejected() throws {
        var ledger = try poa()
        // Each check uses votes at the latest height, well inside the evidence window.
        func check(_ make: (UInt64) -> (Signed<Vote>, Signed<Vote>)) throws -> String {
            let (first, second) = make(ledger.height)
            return try submit(&ledger, first, second)
        }
        #expect(try check { (V.vote(1, height: $0, block: 1), V.vote(1, height: $0, block: 1)) } == "evidence-same-block")
        #expect(try check { (V.vote(1, height: $0, block: 1), V.vote(1, height: $0 - 1, block: 2)) } == "evidence-mismatch")
        #expect(try check { (V.vote(1, height: $0, block: 1), V.vote(1, height: $0, round: 1, block: 2)) } == "evidence-mismatch")
        #expect(try check { (V.vote(1, height: $0, block: 1), V.vote(1, height: $0, step: .prevote, block: 2)) } == "evidence-mismatch")
        #expect(try check { (V.vote(1, height: $0, block: 1), V.vote(2, height: $0, block: 2)) } == "evidence-mismatch")
        #expect(try check { (V.vote(1, height: $0, block: 1), V.vote(1, height: $0, block: 2, signer: V.keys[2])) }
            == "evidence-bad-signature")
        // Key 44 is no validator (and has no record).
        #expect(try check { (V.vote(4, height: $0, block: 1), V.vote(4, height: $0, block: 2)) } == "unknown-validator")
        #expect(try check { (V.vote(1, height: $0, block: 1, chain: Ledger.otherChain),
                             V.vote(1, height: $0, block: 2, chain: Ledger.otherChain)) } == "wrong-chain")
        #expect(try check { (V.vote(1, height: $0 + 1, block: 1), V.vote(1, height: $0 + 1, block: 2)) } == "evidence-from-future")
        // maxEvidenceAge 5: votes 6 heights below the block are too old, 5 below are not.
        #expect(try check { (V.vote(1, height: $0 - 5, block: 1), V.vote(1, height: $0 - 5, block: 2)) } == "evidence-too-old")
        #expect(try ledger.store.validatorRecord(V.address(1))?.jailed == false)
        #expect(try check { (V.vote(1, height: $0 - 4, block: 1), V.vote(1, height: $0 - 4, block: 2)) } == "ok")
    }

    /// A validator that joined later was not in the set of earlier heights.
    @Test func aValidatorIsOnlyAccountableForHeightsItSigned() throws {
        var ledger = Ledger(genesis: V.genesis(.poa, count: 1, power: 5))
        #expect(try ledger.code(ledger.tx(V.keys[0], V.propose(V.keys[1], power: 1, by: 0))) == "ok")  // height 1
        try ledger.runEmpty(until: 4)  // key 41 signs from height 3
        #expect(try submit(&ledger, V.vote(1, height: 2, block: 1), V.vote(1, height: 2, block: 2)) == "unknown-validator")
        #expect(try submit(&ledger, V.vote(1, height: 3, block: 1), V.vote(1, height: 3, block: 2)) == "ok")
    }

    @Test func theOnlyValidatorCannotBeRemoved() throws {
        var ledger = Ledger(genesis: V.genesis(.poa, count: 1))
        try ledger.run([])
        #expect(try submit(&ledger, V.vote(0, height: 1, block: 1), V.vote(0, height: 1, block: 2)) == "last-validator")
    }

    /// DPoS: every stake in the offender is cut by the slash fraction (10%, rounded in the stake's
    /// favour), the cut is burnt, and the validator is jailed: no new stake, never elected again.
    @Test func equivocationSlashesEveryStakeAndJails() throws {
        var ledger = Ledger(genesis: V.genesis(.dpos, count: 2, power: 20))
        #expect(try ledger.code(ledger.tx(Ledger.alice, .validator(.delegate(validator: V.address(0), amount: 35)))) == "ok")
        #expect(try submit(&ledger, V.vote(0, height: 1, block: 1), V.vote(0, height: 1, block: 2)) == "ok")
        let record = try #require(try ledger.store.validatorRecord(V.address(0)))
        #expect(record.jailed)
        #expect(record.stake(of: V.address(0)) == 18)
        #expect(record.stake(of: Ledger.alice.publicKey.address) == 32)
        #expect(try ledger.store.pendingValidatorSet()?.validators.map(\.address) == [V.address(1)])
        #expect(try ledger.code(ledger.tx(Ledger.bob, .validator(.delegate(validator: V.address(0), amount: 1)))) == "validator-jailed")
        // Stake can leave a jailed validator, and it is not elected at the next epoch.
        #expect(try ledger.code(ledger.tx(Ledger.alice, .validator(.undelegate(validator: V.address(0), amount: 32)))) == "ok")
        try ledger.runEmpty(until: 4)
        #expect(try ledger.store.pendingValidatorSet()?.validators.map(\.address) == [V.address(1)])
    }
}
