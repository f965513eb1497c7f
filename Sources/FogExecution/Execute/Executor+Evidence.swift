import FogCrypto
import FogTypes

extension Executor {
    /// Punishes an equivocation: checks the two votes conflict, are recent, are by a validator of
    /// their height and verify with its key; then jails it (for good), slashes every stake in it
    /// (DPoS), and removes it from the pending set (effective two heights later).
    func punish<Base>(_ evidence: Equivocation, context: BlockContext, mode: ConsensusMode, params: ConsensusParams,
                      overlay: inout StateOverlay<Base>) throws {
        let first = evidence.first.object
        let second = evidence.second.object
        for vote in [first, second] where vote.chainID != chainID {
            throw ExecutionError(ObjectError(.wrongChain, "evidence: a vote for chain \(vote.chainID), not \(chainID)"))
        }
        guard first.validator == second.validator, first.height == second.height, first.round == second.round,
              first.step == second.step
        else {
            throw ExecutionError(.evidenceMismatch, "the votes are not by one validator at one height, round and step")
        }
        guard first.blockID != second.blockID else {
            throw ExecutionError(.evidenceSameBlock, "both votes are for the same block")
        }
        let height = first.height
        let validator = first.validator
        guard height < context.height else {
            throw ExecutionError(.evidenceFromFuture, "votes at height \(height), the block is \(context.height)")
        }
        guard context.height - height <= params.maxEvidenceAge else {
            throw ExecutionError(.evidenceTooOld, "votes at height \(height) are older than \(params.maxEvidenceAge) blocks")
        }
        guard let set = try overlay.validatorSet(forHeight: height), set.validator(validator) != nil,
              var record = try overlay.validatorRecord(validator)
        else {
            throw ExecutionError(.unknownValidator, "\(validator) is not a validator of height \(height)")
        }
        do {
            try evidence.first.verify(with: record.publicKey)
            try evidence.second.verify(with: record.publicKey)
        } catch {
            throw ExecutionError(.evidenceBadSignature, "a vote does not verify with \(validator)'s key: \(error.detail)")
        }
        guard !record.jailed else { throw ExecutionError(.alreadyPunished, "\(validator) was punished already") }
        let pending = try pending(overlay)
        if pending.validator(validator) != nil {
            let others = pending.validators.filter { $0.address != validator }
            guard !others.isEmpty else {
                throw ExecutionError(.lastValidator, "\(validator) is the only validator: it cannot be removed")
            }
            overlay.set(StateKey.pendingValidatorSet, object: try! ValidatorSet(others))
        }
        record.jailed = true
        if mode == .dpos {
            for stake in record.stakes {
                record.setStake(of: stake.delegator, to: params.slashed(stake.amount))
            }
        }
        overlay.set(StateKey.validator(validator), object: record)
    }
}
