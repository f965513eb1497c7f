import FogCrypto
import FogTypes

/// The validator sets a block reports: the one that signs it and the one that signs the next height.
struct BlockValidators {
    /// The set that signs the block (its header's `validatorsHash`).
    let validators: ValidatorSet
    /// The set that signs the next height (its header's `nextValidatorsHash`).
    let nextValidators: ValidatorSet
}

extension Executor {
    /// The start of block H, before its envelopes (spec/state.md §4, "Block boundary"), in order:
    /// 1. unbonding entries with maturity ≤ H return to their accounts;
    /// 2. the pending set becomes the next set (it signs H + 1); when it differs, it is written as the
    ///    set from H + 1 and H + 1 joins the schedule's set heights;
    /// 3. DPoS, when H is a multiple of the epoch length: the pending set becomes the top
    ///    `maxValidators` unjailed candidates whose self-bond is at least `minSelfBond`, by total stake
    ///    (highest first, ties by ascending address), power = stake — unless none qualifies or their
    ///    power exceeds the set limit, when the pending set stays;
    /// 4. set heights that no evidence can reach any more are dropped from the index (the newest one at
    ///    or below `H − maxEvidenceAge` stays, and the sets themselves stay in the state).
    func beginBlock<Base>(_ context: BlockContext, overlay: inout StateOverlay<Base>) throws -> BlockValidators {
        let height = context.height
        guard let current = try overlay.nextValidatorSet() else {
            throw StateCorruption(key: StateKey.nextValidatorSet, error: ObjectError(.malformed, "no validator set in the state"))
        }
        let (original, params) = try validatorState(overlay)
        var schedule = original
        while let entry = schedule.unbonding.first, entry.maturity <= height {
            schedule.unbonding.removeFirst()
            if let account = try overlay.account(entry.account) {
                let (balance, overflow) = account.balance.addingReportingOverflow(entry.amount)
                overlay.setAccount(entry.account, AccountRecord(publicKey: account.publicKey, nonce: account.nonce,
                                                                balance: overflow ? .max : balance))
            }
        }
        let next = try pending(overlay)
        if next != current {
            overlay.set(StateKey.nextValidatorSet, object: next)
            overlay.set(StateKey.validatorSet(from: height + 1), object: next)
            schedule.setHeights.append(height + 1)
        }
        if schedule.mode == .dpos, height % params.epochLength == 0,
           let elected = try elect(schedule.candidates, params: params, overlay: overlay), elected != next {
            overlay.set(StateKey.pendingValidatorSet, object: elected)
        }
        if height > params.maxEvidenceAge {
            let reach = height - params.maxEvidenceAge
            while schedule.setHeights.count >= 2, schedule.setHeights[1] <= reach {
                schedule.setHeights.removeFirst()
            }
        }
        if schedule != original { overlay.set(StateKey.validatorSchedule, object: schedule) }
        overlay.commitPending()
        return BlockValidators(validators: current, nextValidators: next)
    }

    /// The epoch's set, or `nil` when no candidate qualifies or the set would be invalid.
    private func elect(_ candidates: [Address], params: ConsensusParams, overlay: some StateReader) throws -> ValidatorSet? {
        var eligible: [(record: ValidatorRecord, stake: UInt64)] = []
        for address in candidates {
            guard let record = try overlay.validatorRecord(address), !record.jailed,
                  record.stake(of: record.operatorAccount) >= params.minSelfBond
            else { continue }
            eligible.append((record, record.totalStake))
        }
        eligible.sort { $0.stake != $1.stake ? $0.stake > $1.stake : $0.record.address < $1.record.address }
        let chosen = eligible.prefix(Int(params.maxValidators))
        guard !chosen.isEmpty else { return nil }
        return try? ValidatorSet(chosen.map { try Validator(publicKey: $0.record.publicKey, power: $0.stake) })
    }
}
