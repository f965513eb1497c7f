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
        for height in 0..<1_000 {
            // Some heights decide in a later round; the rotation moves on by rounds + 1.
            let round = UInt64(height % 3 == 0 ? 1 : 0)
            let proposer = rotation.proposer(round: round)
            #expect(proposer == again.proposer(round: round))
            counts[proposer.address, default: 0] += 1
            rotation = rotation.advanced(by: round + 1)
            again = again.advanced(by: round + 1)
        }
        // Over many heights the share of proposals follows power (5:1:1:3 of 10), within a few percent.
        for validator in fixture.validators.validators {
            let share = Double(counts[validator.address] ?? 0) / 1_000
            #expect(abs(share - Double(validator.power) / 10) < 0.05)
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
        for _ in 0..<8 { proposed = proposed || rotation.step().address == newcomer }
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
