import FogCore
import FogCrypto
import FogExecution
import FogTypes
import Testing

@Suite struct PoAGovernanceTests {
    typealias V = ValidatorChain
    let newcomer = V.keys[4]

    @Test func genesisValidatorsAreState() throws {
        let ledger = Ledger(genesis: V.genesis(.poa))
        let genesis = V.genesis(.poa)
        #expect(try ledger.store.nextValidatorSet() == genesis.validators)
        #expect(try ledger.store.pendingValidatorSet() == genesis.validators)
        #expect(try ledger.store.validatorSet(forHeight: 1) == genesis.validators)
        #expect(try ledger.store.consensusParams() == V.params)
        let record = try #require(try ledger.store.validatorRecord(V.address(2)))
        #expect(record.operatorAccount == V.address(2))
        #expect(record.stakes.isEmpty && !record.jailed)
        #expect(try ledger.store.validatorSchedule()?.mode == .poa)
    }

    /// A change approved in block H is in the pending set after H, names the next set in header H+1
    /// (nextValidatorsHash), and signs from H+2.
    @Test func anApprovedChangeSignsFromTwoHeightsLater() throws {
        var ledger = Ledger(genesis: V.genesis(.poa))
        let genesisSet = V.genesis(.poa).validators
        let proposal = V.propose(newcomer, power: 2, by: 0)
        let id = V.proposalID(proposal, height: 1)
        let first = try ledger.run([ledger.tx(V.keys[0], proposal), ledger.tx(V.keys[1], V.approve(id, by: 1))])
        #expect(first.receipts.map(\.code) == ["ok", "ok"])
        #expect(try ledger.store.validatorProposal(id)?.approvals.count == 2)
        #expect(try ledger.store.pendingValidatorSet() == genesisSet)
        let second = try ledger.run([ledger.tx(V.keys[2], V.approve(id, by: 2))])
        #expect(second.receipts.map(\.code) == ["ok"])
        #expect(try ledger.store.validatorProposal(id) == nil)
        let changed = try #require(try ledger.store.pendingValidatorSet())
        #expect(changed.validators.count == 5 && changed.totalPower == 6)
        #expect(second.validators == genesisSet && second.nextValidators == genesisSet)
        let third = try ledger.run([])
        #expect(third.validators == genesisSet && third.nextValidators == changed)
        let fourth = try ledger.run([])
        #expect(fourth.validators == changed && fourth.nextValidators == changed)
        #expect(try ledger.store.validatorSet(forHeight: 3) == genesisSet)
        #expect(try ledger.store.validatorSet(forHeight: 4) == changed)
        #expect(try ledger.store.validatorSet(from: 4) == changed)
        #expect(try ledger.store.validatorRecord(newcomer.publicKey.address)?.operatorAccount == newcomer.publicKey.address)
    }

    @Test func aSingleValidatorsProposalAppliesAtOnce() throws {
        var ledger = Ledger(genesis: V.genesis(.poa, count: 1, power: 3))
        #expect(try ledger.code(ledger.tx(V.keys[0], V.propose(newcomer, power: 1, by: 0))) == "ok")
        #expect(try ledger.store.pendingValidatorSet()?.validators.count == 2)
    }

    @Test func reweightAndRemove() throws {
        var ledger = Ledger(genesis: V.genesis(.poa, count: 1))
        #expect(try ledger.code(ledger.tx(V.keys[0], V.propose(V.keys[0], power: 7, by: 0))) == "ok")
        #expect(try ledger.store.pendingValidatorSet()?.totalPower == 7)
        #expect(try ledger.code(ledger.tx(V.keys[0], V.propose(newcomer, power: 1, by: 0))) == "ok")
        #expect(try ledger.code(ledger.tx(V.keys[0], V.propose(newcomer, power: 0, by: 0))) == "ok")
        #expect(try ledger.store.pendingValidatorSet()?.validators.map(\.address) == [V.address(0)])
    }

    @Test func governanceErrors() throws {
        var ledger = Ledger(genesis: V.genesis(.poa))
        // Alice operates no validator; validator 1's operator is not validator 0's.
        #expect(try ledger.code(ledger.tx(Ledger.alice, V.propose(newcomer, power: 1, by: 0))) == "not-validator")
        #expect(try ledger.code(ledger.tx(V.keys[1], V.propose(newcomer, power: 1, by: 0))) == "not-validator")
        // The newcomer is no validator of the block.
        #expect(try ledger.code(ledger.tx(newcomer, V.propose(newcomer, power: 1, by: 4))) == "not-validator")
        #expect(try ledger.code(ledger.tx(V.keys[0], V.propose(newcomer, power: 0, by: 0))) == "unknown-validator")
        let tooMuch = ValidatorSet.maxTotalPower
        #expect(try ledger.code(ledger.tx(V.keys[0], V.propose(newcomer, power: tooMuch, by: 0))) == "invalid-validator-set")
        let unknown = SHA256Hasher.hash([9])
        #expect(try ledger.code(ledger.tx(V.keys[0], V.approve(unknown, by: 0))) == "unknown-proposal")
        let proposal = V.propose(newcomer, power: 1, by: 0)
        let height = ledger.height + 1
        let codes = try ledger.codes([ledger.tx(V.keys[0], proposal), ledger.tx(V.keys[0], proposal)])
        #expect(codes == ["ok", "proposal-exists"])
        let id = V.proposalID(proposal, height: height)
        #expect(try ledger.code(ledger.tx(V.keys[0], V.approve(id, by: 0))) == "already-approved")
        try ledger.runEmpty(until: height + V.params.proposalLifetime)
        #expect(try ledger.code(ledger.tx(V.keys[1], V.approve(id, by: 1))) == "proposal-expired")
        // Staking transactions belong to DPoS chains.
        #expect(try ledger.code(ledger.tx(Ledger.alice, .validator(.bond(publicKey: newcomer.publicKey, amount: 20)))) == "wrong-consensus-mode")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .validator(.delegate(validator: V.address(0), amount: 5)))) == "wrong-consensus-mode")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .validator(.undelegate(validator: V.address(0), amount: 5)))) == "wrong-consensus-mode")
    }

    @Test func theLastValidatorCannotBeRemoved() throws {
        var ledger = Ledger(genesis: V.genesis(.poa, count: 1))
        #expect(try ledger.code(ledger.tx(V.keys[0], V.propose(V.keys[0], power: 0, by: 0))) == "last-validator")
    }

    /// Approvals count with the power of the block's set: a validator removed from it no longer counts.
    @Test func approvalsCountTheCurrentSetsPower() throws {
        var ledger = Ledger(genesis: V.genesis(.poa, count: 3))
        // 3 validators of power 1: two approvals are 2/3, not more; the third makes the quorum.
        let proposal = V.propose(newcomer, power: 1, by: 0)
        let id = V.proposalID(proposal, height: 1)
        #expect(try ledger.codes([ledger.tx(V.keys[0], proposal), ledger.tx(V.keys[1], V.approve(id, by: 1))]) == ["ok", "ok"])
        #expect(try ledger.store.validatorProposal(id) != nil)
        #expect(try ledger.code(ledger.tx(V.keys[2], V.approve(id, by: 2))) == "ok")
        #expect(try ledger.store.validatorProposal(id) == nil)
    }

    @Test func validatorErrorCodesAreStable() {
        let codes: [ExecutionError.Code] = [
            .wrongConsensusMode, .notValidator, .unknownValidator, .validatorExists, .validatorJailed, .lastValidator,
            .invalidValidatorSet, .proposalExists, .unknownProposal, .proposalExpired, .alreadyApproved,
            .belowMinSelfBond, .tooManyCandidates, .tooManyDelegations, .insufficientStake, .unbondingQueueFull,
            .evidenceMismatch, .evidenceSameBlock, .evidenceFromFuture, .evidenceTooOld, .evidenceBadSignature,
            .alreadyPunished,
        ]
        #expect(codes.map(\.name) == [
            "wrong-consensus-mode", "not-validator", "unknown-validator", "validator-exists", "validator-jailed",
            "last-validator", "invalid-validator-set", "proposal-exists", "unknown-proposal", "proposal-expired",
            "already-approved", "below-min-self-bond", "too-many-candidates", "too-many-delegations",
            "insufficient-stake", "unbonding-queue-full", "evidence-mismatch", "evidence-same-block",
            "evidence-from-future", "evidence-too-old", "evidence-bad-signature", "already-punished",
        ])
        #expect(codes.allSatisfy { $0.name.utf8.count <= ObjectLimits.maxReceiptCodeBytes })
    }
}
