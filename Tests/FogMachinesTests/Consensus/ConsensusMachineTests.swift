import FogConsensus
import FogCore
import FogCrypto
import FogTypes
import Testing

/// The rules of Algorithm 1, one by one, on a single machine fed crafted messages.
@Suite struct ConsensusMachineTests {
    let fixture = ConsensusFixture()

    /// A validator that proposes in none of rounds 0–2, and three others.
    var me: Int { (0..<4).first { index in (0..<3).allSatisfy { fixture.proposer(round: $0) != index } }! }
    var others: [Int] { (0..<4).filter { $0 != me } }

    @Test func startingAHeightSchedulesTheProposeTimeoutAndTheProposerAsksForABlock() {
        let (_, actions) = fixture.machine(me)
        #expect(actions.timeouts.map(\.0) == [ConsensusTimeout(height: 1, round: 0, step: .propose)])
        let proposer = fixture.proposer(round: 0)
        let (_, proposerActions) = fixture.machine(proposer)
        #expect(proposerActions.contains { if case .requestBlock(1, 0) = $0 { true } else { false } })
    }

    @Test func happyPathPrevotesLocksPrecommitsAndDecidesWithAQuorumCommit() throws {
        var (machine, _) = fixture.machine(me)
        let proposer = fixture.proposer(round: 0)
        let block = fixture.block(1, proposer: proposer)
        let prevoted = machine.receive(fixture.proposal(block, round: 0, by: proposer), block)
        #expect(prevoted.votes.map(\.blockID) == [block.header.blockID])
        // The vote is persisted before it is broadcast.
        let persist = try #require(prevoted.firstIndex { if case .persist(.signed) = $0 { true } else { false } })
        let broadcast = try #require(prevoted.firstIndex { if case .broadcastVote = $0 { true } else { false } })
        #expect(persist < broadcast)

        let polka = machine.receive(others.prefix(2).map { fixture.vote(.prevote, block, round: 0, by: $0) })
        #expect(polka.votes.map(\.step) == [.precommit])
        #expect(machine.lockedBlockID == block.header.blockID && machine.lockedRound == 0)

        let decided = machine.receive(others.prefix(2).map { fixture.vote(.precommit, block, round: 0, by: $0) })
        let decision = try #require(decided.decisions.first)
        #expect(decision.block == block)
        #expect(try decision.commit.verify(validators: fixture.validators) == 3)
        #expect(machine.step == .decided)
    }

    @Test func aLockedValidatorPrevotesNilForAnotherBlockWithoutANewerPolka() {
        var (machine, _) = fixture.machine(me)
        let x = fixture.block(1, proposer: fixture.proposer(round: 0))
        _ = machine.receive(fixture.proposal(x, round: 0, by: fixture.proposer(round: 0)), x)
        _ = machine.receive(others.prefix(2).map { fixture.vote(.prevote, x, round: 0, by: $0) })
        #expect(machine.lockedRound == 0)
        // Round 1 starts when more than 1/3 of the power is there (line 55).
        _ = machine.receive(others.prefix(2).map { fixture.vote(.prevote, nil, round: 1, by: $0) })
        #expect(machine.round == 1)
        let y = fixture.block(2, proposer: fixture.proposer(round: 1))
        let actions = machine.receive(fixture.proposal(y, round: 1, by: fixture.proposer(round: 1)), y)
        #expect(actions.votes.filter { $0.step == .prevote }.map(\.blockID) == [nil])
        #expect(machine.lockedBlockID == x.header.blockID)
    }

    @Test func aLockedValidatorPrevotesTheLockedBlockWhenItIsReproposed() {
        var (machine, _) = fixture.machine(me)
        let x = fixture.block(1, proposer: fixture.proposer(round: 0))
        _ = machine.receive(fixture.proposal(x, round: 0, by: fixture.proposer(round: 0)), x)
        _ = machine.receive(others.prefix(2).map { fixture.vote(.prevote, x, round: 0, by: $0) })
        _ = machine.receive(others.prefix(2).map { fixture.vote(.prevote, nil, round: 1, by: $0) })
        let actions = machine.receive(fixture.proposal(x, round: 1, polRound: 0, by: fixture.proposer(round: 1)), x)
        #expect(actions.votes.map(\.blockID) == [x.header.blockID])
    }

    @Test func aPolkaInALaterRoundUnlocks() {
        var (machine, _) = fixture.machine(me)
        let x = fixture.block(1, proposer: fixture.proposer(round: 0))
        _ = machine.receive(fixture.proposal(x, round: 0, by: fixture.proposer(round: 0)), x)
        _ = machine.receive(others.prefix(2).map { fixture.vote(.prevote, x, round: 0, by: $0) })
        #expect(machine.lockedRound == 0)
        // Round 1: the others see a polka for y that this validator missed; round 2 re-proposes y with polRound 1.
        let y = fixture.block(2, proposer: fixture.proposer(round: 1))
        _ = machine.receive(others.map { fixture.vote(.prevote, y, round: 1, by: $0) })
        _ = machine.receive(others.prefix(2).map { fixture.vote(.prevote, nil, round: 2, by: $0) })
        #expect(machine.round == 2)
        let actions = machine.receive(fixture.proposal(y, round: 2, polRound: 1, by: fixture.proposer(round: 2)), y)
        #expect(actions.votes.map(\.blockID) == [y.header.blockID])
    }

    @Test func aProofOfLockRoundWithoutAPolkaIsNotEnough() {
        var (machine, _) = fixture.machine(me)
        let x = fixture.block(1, proposer: fixture.proposer(round: 0))
        _ = machine.receive(fixture.proposal(x, round: 0, by: fixture.proposer(round: 0)), x)
        _ = machine.receive(others.prefix(2).map { fixture.vote(.prevote, x, round: 0, by: $0) })
        let y = fixture.block(2, proposer: fixture.proposer(round: 1))
        // Only one prevote for y in round 1: no polka.
        _ = machine.receive([fixture.vote(.prevote, y, round: 1, by: others[0])])
        _ = machine.receive(others.prefix(2).map { fixture.vote(.prevote, nil, round: 2, by: $0) })
        let actions = machine.receive(fixture.proposal(y, round: 2, polRound: 1, by: fixture.proposer(round: 2)), y)
        #expect(actions.votes.isEmpty)
        #expect(machine.step == .propose)
    }

    @Test func anInvalidBlockIsPrevotedNil() {
        var (machine, _) = fixture.machine(me)
        let proposer = fixture.proposer(round: 0)
        let block = fixture.block(1, proposer: proposer)
        let actions = machine.receive(fixture.proposal(block, round: 0, by: proposer), block, valid: false)
        #expect(actions.votes.map(\.blockID) == [nil])
    }

    @Test func aNilPolkaPrecommitsNilAndTimeoutsAdvanceTheRound() {
        var (machine, _) = fixture.machine(me)
        let timedOut = machine.handle(.timeout(ConsensusTimeout(height: 1, round: 0, step: .propose)))
        #expect(timedOut.votes.map(\.step) == [.prevote])
        #expect(timedOut.votes.map(\.blockID) == [nil])
        let nilPolka = machine.receive(others.prefix(2).map { fixture.vote(.prevote, nil, round: 0, by: $0) })
        #expect(nilPolka.votes.map(\.step) == [.precommit])
        let precommits = machine.receive(others.prefix(2).map { fixture.vote(.precommit, nil, round: 0, by: $0) })
        let scheduled = precommits.timeouts.map(\.0)
        #expect(scheduled == [ConsensusTimeout(height: 1, round: 0, step: .precommit)])
        let next = machine.handle(.timeout(ConsensusTimeout(height: 1, round: 0, step: .precommit)))
        #expect(machine.round == 1)
        #expect(next.timeouts.map(\.1) == [machine.timeouts.duration(.propose, round: 1)])
        // A stale timeout does nothing.
        #expect(machine.handle(.timeout(ConsensusTimeout(height: 1, round: 0, step: .propose))).isEmpty)
    }

    @Test func prevotesForDifferentValuesStartThePrevoteTimeout() {
        var (machine, _) = fixture.machine(me)
        let block = fixture.block(1, proposer: fixture.proposer(round: 0))
        _ = machine.handle(.timeout(ConsensusTimeout(height: 1, round: 0, step: .propose)))
        let actions = machine.receive([fixture.vote(.prevote, block, round: 0, by: others[0]),
                                       fixture.vote(.prevote, nil, round: 0, by: others[1])])
        #expect(actions.timeouts.map(\.0) == [ConsensusTimeout(height: 1, round: 0, step: .prevote)])
        let after = machine.handle(.timeout(ConsensusTimeout(height: 1, round: 0, step: .prevote)))
        #expect(after.votes.map(\.step) == [.precommit])
        #expect(after.votes.map(\.blockID) == [nil])
    }

    @Test func votesFromLessThanAThirdOfAHigherRoundDoNotSkip() {
        var (machine, _) = fixture.machine(me)
        _ = machine.receive([fixture.vote(.prevote, nil, round: 5, by: others[0])])
        #expect(machine.round == 0)
        _ = machine.receive([fixture.vote(.precommit, nil, round: 5, by: others[1])])
        #expect(machine.round == 5)
    }

    @Test func conflictingVotesAreEvidenceAndCountOnce() {
        var (machine, _) = fixture.machine(me)
        let block = fixture.block(1, proposer: fixture.proposer(round: 0))
        let first = fixture.vote(.prevote, block, round: 0, by: others[0])
        let second = fixture.vote(.prevote, nil, round: 0, by: others[0])
        #expect(machine.receive([first, first]).evidence.isEmpty)
        let evidence = machine.receive([second]).evidence
        #expect(evidence.map(\.validator) == [fixture.address(others[0])])
        #expect(evidence.first?.first == first && evidence.first?.second == second)
    }

    @Test func badSignaturesAndStrangersAreIgnored() throws {
        var (machine, _) = fixture.machine(me)
        let stranger = ConsensusFixture(seed: 99)
        let foreign = stranger.vote(.prevote, nil, round: 0, by: 0)
        #expect(machine.receive([foreign]).isEmpty)
        // A vote naming validator 0 but signed by another key.
        let forged = try Signed.sign(try Vote(chainID: fixture.chain, step: .prevote, height: 1, round: 0, blockID: nil,
                                              validator: fixture.address(others[0])), with: fixture.keys[others[1]])
        _ = machine.receive([forged, fixture.vote(.prevote, nil, round: 0, by: others[2])])
        _ = machine.handle(.timeout(ConsensusTimeout(height: 1, round: 0, step: .propose)))
        // Only 2 of 4 counted (me and others[2]): no nil polka.
        #expect(machine.step == .prevote)
        // A proposal from a validator that is not the round's proposer is ignored.
        let block = fixture.block(3, proposer: me)
        var (fresh, _) = fixture.machine(me)
        #expect(fresh.receive(fixture.proposal(block, round: 0, by: others.first { $0 != fixture.proposer(round: 0) }!), block).votes.isEmpty)
    }

    @Test func aQuorumOfPrecommitsDecidesWithoutTheProposalOnceTheBlockIsKnown() throws {
        var (machine, _) = fixture.machine(me)
        let block = fixture.block(4, proposer: fixture.proposer(round: 0))
        _ = machine.receive(others.map { fixture.vote(.precommit, block, round: 0, by: $0) })
        #expect(machine.step != .decided)
        var actions = machine.handle(.block(block))
        actions += machine.handle(.blockValidity(blockID: block.header.blockID, valid: true))
        #expect(actions.decisions.first?.block == block)
    }

    @Test func aCommitFromAPeerDecidesTheHeight() throws {
        var (machine, _) = fixture.machine(me)
        let block = fixture.block(5, proposer: fixture.proposer(round: 0))
        let weak = try Commit(precommits: others.prefix(2).map { fixture.vote(.precommit, block, round: 0, by: $0) })
        #expect(machine.handle(.commitReceived(block, weak)).decisions.isEmpty)
        let strong = try Commit(precommits: others.map { fixture.vote(.precommit, block, round: 0, by: $0) })
        #expect(machine.handle(.commitReceived(block, strong)).decisions.first?.commit == strong)
    }

    @Test func theProposerProposesTheBlockItIsGivenAndPrevotesIt() throws {
        let proposer = fixture.proposer(round: 0)
        var (machine, _) = fixture.machine(proposer)
        let block = fixture.block(6, proposer: proposer)
        let actions = machine.handle(.proposeBlock(block))
        let proposals = actions.compactMap { if case .broadcastProposal(let p, let b) = $0 { return (p, b) } else { return nil } }
        #expect(proposals.count == 1)
        #expect(proposals.first?.0.object.blockID == block.header.blockID && proposals.first?.0.object.polRound == -1)
        #expect(actions.votes.map(\.blockID) == [block.header.blockID])
    }
}
