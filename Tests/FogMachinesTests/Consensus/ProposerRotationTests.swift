import FogConsensus
import FogCore
import FogCrypto
import FogTypes
import Testing

/// Proposer selection by priority rotation, and the linear capped timeouts.
@Suite struct ProposerRotationTests {
    @Test func everyValidatorProposesInProportionToItsPowerInEveryWindow() {
        let fixture = ConsensusFixture(powers: [1, 2, 3, 4])
        var rotation = fixture.rotation
        let total = Int(fixture.validators.totalPower)
        for _ in 0..<100 {
            var counts: [Address: Int] = [:]
            for _ in 0..<total { counts[rotation.step().address, default: 0] += 1 }
            for validator in fixture.validators.validators {
                #expect(counts[validator.address] == Int(validator.power))
            }
        }
    }

    @Test func heightsAndRoundsRotateDeterministicallyAcrossManyHeights() {
        let fixture = ConsensusFixture(powers: [5, 1, 1, 3])
        var counts: [Address: Int] = [:]
        var rotation = fixture.rotation
        var again = fixture.rotation
        var steps = 0
        for height in 0..<1_000 {
            // Some heights need a second round; every round has its proposer, and the next height's
            // rotation moves on by rounds + 1.
            let rounds = UInt64(height % 3 == 0 ? 2 : 1)
            for round in 0..<rounds {
                let proposer = rotation.proposer(round: round)
                #expect(proposer == again.proposer(round: round))
                counts[proposer.address, default: 0] += 1
            }
            steps += Int(rounds)
            rotation = rotation.advanced(by: rounds)
            again = again.advanced(by: rounds)
        }
        // Over all rounds the share of proposals follows power (5:1:1:3 of 10) up to one rotation.
        for validator in fixture.validators.validators {
            let expected = steps * Int(validator.power) / 10
            #expect(abs((counts[validator.address] ?? 0) - expected) <= 10)
        }
    }

    @Test func roundsWithinAHeightGoToDifferentProposers() {
        let fixture = ConsensusFixture()
        let proposers = Set((0..<4).map { fixture.rotation.proposer(round: UInt64($0)).address })
        #expect(proposers.count == 4)
    }

    @Test func aNewValidatorWaitsAndPrioritiesStayBounded() throws {
        let fixture = ConsensusFixture(powers: [1, 1, 1])
        let bigger = ConsensusFixture(powers: [1, 1, 1, 1], seed: 8)
        let joined = try ValidatorSet(fixture.validators.validators + [bigger.validators.validators[0]])
        var rotation = fixture.rotation.advanced(by: 5).carried(to: joined)
        let newcomer = bigger.validators.validators[0].address
        #expect(rotation.proposer(round: 0).address != newcomer)
        var proposed = false
        for _ in 0..<16 { proposed = proposed || rotation.step().address == newcomer }
        #expect(proposed)
        let spread = rotation.priorities.max()! - rotation.priorities.min()!
        #expect(spread <= 2 * Int64(joined.totalPower))
        // Huge powers do not overflow.
        let huge = ConsensusFixture(powers: [ValidatorSet.maxTotalPower / 2, ValidatorSet.maxTotalPower / 4, 1])
        var hugeRotation = huge.rotation
        for _ in 0..<1_000 { hugeRotation.step() }
    }

    @Test func timeoutsGrowLinearlyAndAreCapped() {
        let timeouts = ConsensusTimeouts(propose: .init(base: 100, perRound: 50), cap: 1_000)
        #expect(timeouts.duration(.propose, round: 0) == 100)
        #expect(timeouts.duration(.propose, round: 3) == 250)
        #expect(timeouts.duration(.propose, round: 18) == 1_000)
        #expect(timeouts.duration(.propose, round: .max) == 1_000)
    }
}
