import FogCore
import FogCrypto
import FogTypes

extension Executor {
    /// Applies a validator transaction (kinds 16–21) signed by the account `signer` (spec/state.md §4).
    func applyValidator<Base>(_ body: ValidatorTransaction, signer: Address, context: BlockContext,
                              overlay: inout StateOverlay<Base>) throws {
        let (schedule, params) = try validatorState(overlay)
        switch body {
        case let .propose(change, proposer):
            try expect(.poa, schedule)
            try propose(change, proposer: proposer, id: body.proposalID(height: context.height),
                        signer: signer, context: context, overlay: &overlay)
        case let .approve(id, validator):
            try expect(.poa, schedule)
            try approve(id, validator: validator, signer: signer, context: context, params: params, overlay: &overlay)
        case let .bond(publicKey, amount):
            try expect(.dpos, schedule)
            try bond(publicKey, amount: amount, signer: signer, schedule: schedule, params: params, overlay: &overlay)
        case let .delegate(validator, amount):
            try expect(.dpos, schedule)
            try delegate(amount, to: validator, signer: signer, overlay: &overlay)
        case let .undelegate(validator, amount):
            try expect(.dpos, schedule)
            try undelegate(amount, from: validator, signer: signer, context: context, schedule: schedule,
                           params: params, overlay: &overlay)
        case let .evidence(equivocation):
            try punish(equivocation, context: context, mode: schedule.mode, params: params, overlay: &overlay)
        }
    }

    /// The schedule and parameters; a state without them has no validators to change.
    func validatorState(_ state: some StateReader) throws -> (ValidatorSchedule, ConsensusParams) {
        guard let schedule = try state.validatorSchedule(), let params = try state.consensusParams() else {
            throw ExecutionError(.wrongConsensusMode, "the state holds no validators")
        }
        return (schedule, params)
    }

    private func expect(_ mode: ConsensusMode, _ schedule: ValidatorSchedule) throws(ExecutionError) {
        guard schedule.mode == mode else {
            throw ExecutionError(.wrongConsensusMode, "a \(mode.rawValue) transaction on a \(schedule.mode.rawValue) chain")
        }
    }

    // MARK: PoA governance

    private func propose<Base>(_ change: ValidatorChange, proposer: Address, id: Hash256, signer: Address,
                               context: BlockContext, overlay: inout StateOverlay<Base>) throws {
        let current = try actingValidator(proposer, signer: signer, height: context.height, overlay: overlay)
        _ = try ValidatorGovernance.changed(try pending(overlay), by: change, overlay: overlay)
        guard try overlay.validatorProposal(id) == nil else {
            throw ExecutionError(.proposalExists, "proposal \(id) was made in this block already")
        }
        let proposal = try ValidatorProposal(change: change, proposedAt: context.height, approvals: [proposer])
        try settle(proposal, id: id, current: current, overlay: &overlay)
    }

    private func approve<Base>(_ id: Hash256, validator: Address, signer: Address, context: BlockContext,
                               params: ConsensusParams, overlay: inout StateOverlay<Base>) throws {
        let current = try actingValidator(validator, signer: signer, height: context.height, overlay: overlay)
        guard var proposal = try overlay.validatorProposal(id) else {
            throw ExecutionError(.unknownProposal, "no open proposal \(id)")
        }
        guard context.height - proposal.proposedAt <= params.proposalLifetime else {
            throw ExecutionError(.proposalExpired, "proposal \(id) of height \(proposal.proposedAt) expired")
        }
        guard proposal.approve(validator) else {
            throw ExecutionError(.alreadyApproved, "\(validator) approved proposal \(id) already")
        }
        try settle(proposal, id: id, current: current, overlay: &overlay)
    }

    /// Applies the proposal to the pending set once its approvers hold more than 2/3 of `current`'s
    /// power (approvers no longer in the set count nothing), and removes it; else stores it.
    private func settle<Base>(_ proposal: ValidatorProposal, id: Hash256, current: ValidatorSet,
                              overlay: inout StateOverlay<Base>) throws {
        let power = proposal.approvals.reduce(UInt64(0)) { $0 + (current.validator($1)?.power ?? 0) }
        guard current.isQuorum(power) else {
            overlay.set(StateKey.proposal(id), object: proposal)
            return
        }
        let change = proposal.change
        let set = try ValidatorGovernance.changed(try pending(overlay), by: change, overlay: overlay)
        overlay.set(StateKey.pendingValidatorSet, object: set)
        if change.power > 0 {
            let record = try overlay.validatorRecord(change.validator)
            var updated = try record ?? ValidatorRecord(publicKey: change.publicKey, operatorAccount: change.operatorAccount,
                                                        jailed: false, stakes: [])
            updated.operatorAccount = change.operatorAccount
            overlay.set(StateKey.validator(change.validator), object: updated)
        }
        overlay.set(StateKey.proposal(id), nil)
    }

    /// The set of the block, once `validator` is shown to be in it and operated by `signer`.
    private func actingValidator(_ validator: Address, signer: Address, height: UInt64,
                                 overlay: some StateReader) throws -> ValidatorSet {
        guard let current = try overlay.validatorSet(forHeight: height), current.validator(validator) != nil,
              let record = try overlay.validatorRecord(validator), record.operatorAccount == signer
        else {
            throw ExecutionError(.notValidator, "\(signer) does not operate a validator \(validator) of height \(height)")
        }
        return current
    }

    func pending(_ state: some StateReader) throws -> ValidatorSet {
        guard let set = try state.pendingValidatorSet() else {
            throw ExecutionError(.wrongConsensusMode, "the state holds no pending validator set")
        }
        return set
    }

    // MARK: DPoS staking

    private func bond<Base>(_ publicKey: PublicKey, amount: UInt64, signer: Address, schedule: ValidatorSchedule,
                            params: ConsensusParams, overlay: inout StateOverlay<Base>) throws {
        guard amount >= params.minSelfBond else {
            throw ExecutionError(.belowMinSelfBond, "a self-bond of \(amount) is below \(params.minSelfBond)")
        }
        let address = publicKey.address
        guard try overlay.validatorRecord(address) == nil else {
            throw ExecutionError(.validatorExists, "validator \(address) exists")
        }
        guard schedule.candidates.count < ValidatorSchedule.maxCandidates else {
            throw ExecutionError(.tooManyCandidates, "the chain holds \(ValidatorSchedule.maxCandidates) candidates")
        }
        try debit(signer, amount, overlay: &overlay)
        let record = try ValidatorRecord(publicKey: publicKey, operatorAccount: signer, jailed: false,
                                         stakes: [Stake(delegator: signer, amount: amount)])
        overlay.set(StateKey.validator(address), object: record)
        var updated = schedule
        updated.candidates.insert(address, at: updated.candidates.firstIndex { address < $0 } ?? updated.candidates.endIndex)
        overlay.set(StateKey.validatorSchedule, object: updated)
    }

    private func delegate<Base>(_ amount: UInt64, to validator: Address, signer: Address,
                                overlay: inout StateOverlay<Base>) throws {
        guard var record = try overlay.validatorRecord(validator) else {
            throw ExecutionError(.unknownValidator, "no validator \(validator)")
        }
        guard !record.jailed else { throw ExecutionError(.validatorJailed, "validator \(validator) is jailed") }
        let held = record.stake(of: signer)
        guard held > 0 || record.stakes.count < ValidatorRecord.maxStakes else {
            throw ExecutionError(.tooManyDelegations, "validator \(validator) holds \(ValidatorRecord.maxStakes) delegations")
        }
        guard !record.totalStake.addingReportingOverflow(amount).overflow else {
            throw ExecutionError(.balanceOverflow, "validator \(validator)'s stake would exceed 2^64-1")
        }
        try debit(signer, amount, overlay: &overlay)
        record.setStake(of: signer, to: held + amount)
        overlay.set(StateKey.validator(validator), object: record)
    }

    private func undelegate<Base>(_ amount: UInt64, from validator: Address, signer: Address, context: BlockContext,
                                  schedule: ValidatorSchedule, params: ConsensusParams,
                                  overlay: inout StateOverlay<Base>) throws {
        guard var record = try overlay.validatorRecord(validator) else {
            throw ExecutionError(.unknownValidator, "no validator \(validator)")
        }
        let held = record.stake(of: signer)
        guard held >= amount else {
            throw ExecutionError(.insufficientStake, "\(signer) stakes \(held) with \(validator), not \(amount)")
        }
        guard schedule.unbonding.count < ValidatorSchedule.maxUnbonding else {
            throw ExecutionError(.unbondingQueueFull, "the chain holds \(ValidatorSchedule.maxUnbonding) unbonding entries")
        }
        record.setStake(of: signer, to: held - amount)
        overlay.set(StateKey.validator(validator), object: record)
        var updated = schedule
        let (maturity, overflow) = context.height.addingReportingOverflow(params.unbondingPeriod)
        updated.unbonding.append(UnbondingEntry(maturity: overflow ? .max : maturity, account: signer, amount: amount))
        overlay.set(StateKey.validatorSchedule, object: updated)
    }

    private func debit<Base>(_ address: Address, _ amount: UInt64, overlay: inout StateOverlay<Base>) throws {
        guard let account = try overlay.account(address) else {
            preconditionFailure("the signer's account was just written")
        }
        guard account.balance >= amount else {
            throw ExecutionError(.insufficientBalance, "\(address) holds \(account.balance), needs \(amount)")
        }
        overlay.setAccount(address, AccountRecord(publicKey: account.publicKey, nonce: account.nonce,
                                                  balance: account.balance - amount))
    }
}
