import FogCrypto
import FogTypes

extension ConsensusMachine {
    // MARK: Messages from the network

    /// Keeps a proposal of the current height that its round's proposer signed.
    mutating func receive(_ signed: Signed<Proposal>, into actions: inout [ConsensusAction]) {
        let proposal = signed.object
        guard proposal.chainID == chainID, proposals[proposal.round] == nil,
              proposal.round <= round + ConsensusLimits.maxRoundsAhead,
              let rotation, rotation.proposer(round: proposal.round).address == proposal.proposer,
              let validator = rotation.validators.validator(proposal.proposer),
              verifier.verify(signed, with: validator.publicKey)
        else { return }
        proposals[proposal.round] = signed
    }

    /// Keeps a block of the current height.
    mutating func receive(_ block: Block) {
        let id = block.header.blockID
        guard block.header.chainID == chainID, blocks[id] == nil,
              blocks.count < ConsensusLimits.maxBlocksPerHeight
        else { return }
        blocks[id] = block
    }

    /// Checks and counts a vote of the current height.
    mutating func receive(_ signed: Signed<Vote>, into actions: inout [ConsensusAction]) {
        let vote = signed.object
        guard vote.chainID == chainID, vote.round <= round + ConsensusLimits.maxRoundsAhead,
              let validator = validators?.validator(vote.validator)
        else { return }
        // A vote already counted needs no second signature check.
        if step(of: vote).holds(signed) { return }
        guard verifier.verify(signed, with: validator.publicKey) else { return }
        count(signed, power: validator.power, into: &actions)
    }

    private func step(of vote: Vote) -> VoteTally {
        let votes = roundVotes[vote.round] ?? RoundVotes()
        return vote.step == .prevote ? votes.prevotes : votes.precommits
    }

    /// Adds a verified vote to its tally; a conflicting one becomes evidence.
    mutating func count(_ signed: Signed<Vote>, power: UInt64, into actions: inout [ConsensusAction]) {
        let vote = signed.object
        var votes = roundVotes[vote.round] ?? RoundVotes()
        // A conflicting vote counts for its value only if that is nil or a block of this height.
        let admit = vote.blockID.map { blocks[$0] != nil } ?? true
        let outcome = vote.step == .prevote
            ? votes.prevotes.add(signed, power: power, admitConflicting: admit)
            : votes.precommits.add(signed, power: power, admitConflicting: admit)
        roundVotes[vote.round] = votes
        if case .conflict(let first) = outcome,
           reportedEquivocations.insert(EquivocationKey(validator: vote.validator, round: vote.round, step: vote.step)).inserted,
           first.object.blockID != vote.blockID {
            actions.append(.evidence(Equivocation(first: first, second: signed)))
        }
    }

    /// A decision learned from a peer: the block and a commit that verifies against this height's set.
    mutating func adopt(_ block: Block, _ commit: Commit, into actions: inout [ConsensusAction]) {
        guard step != .decided, let rotation, commit.height == height, commit.chainID == chainID,
              block.header.height == height, block.header.blockID == commit.blockID,
              (try? commit.verify(validators: rotation.validators)) != nil
        else { return }
        decide(block, commit: commit, round: commit.round, into: &actions)
    }

    // MARK: Timeouts (lines 57–67)

    mutating func fire(_ timeout: ConsensusTimeout, into actions: inout [ConsensusAction]) {
        guard timeout.height == height, timeout.round == round, step != .decided else { return }
        switch timeout.step {
        case .propose where step == .propose:
            sendVote(.prevote, nil, into: &actions)
            step = .prevote
        case .prevote where step == .prevote:
            sendVote(.precommit, nil, into: &actions)
            step = .precommit
        case .precommit:
            startRound(round + 1, into: &actions)
        default:
            break
        }
    }

    // MARK: The upon rules

    /// Applies every rule whose condition holds, until none does.
    mutating func evaluate(into actions: inout [ConsensusAction]) {
        guard let validators, step != .decided else { return }
        while step != .decided {
            if decideIfCommitted(validators, into: &actions) { return }
            if skipToHigherRound(validators, into: &actions) { continue }
            if prevoteProposal(validators, into: &actions) { continue }
            if lockOnPolka(validators, into: &actions) { continue }
            if precommitNilOnNilPolka(validators, into: &actions) { continue }
            scheduleStepTimeouts(validators, into: &actions)
            return
        }
    }

    /// The block with `id` when it is known and valid; asks the application to validate it once.
    private mutating func validBlock(_ id: Hash256, into actions: inout [ConsensusAction]) -> Block? {
        guard let block = blocks[id], verdict(id, into: &actions) == true else { return nil }
        return block
    }

    /// Whether the known block `id` is valid, or `nil` while the application has not said.
    private mutating func verdict(_ id: Hash256, into actions: inout [ConsensusAction]) -> Bool? {
        if let valid = validity[id] { return valid }
        if let block = blocks[id], !validationRequested.contains(id) {
            validationRequested.insert(id)
            actions.append(.validateBlock(block))
        }
        return nil
    }

    /// Line 49: +2/3 precommits for a block this validator holds and finds valid, in any round, decide it.
    private mutating func decideIfCommitted(_ validators: ValidatorSet, into actions: inout [ConsensusAction]) -> Bool {
        for committedRound in roundVotes.keys.sorted() {
            let tally = roundVotes[committedRound]!.precommits
            guard let id = tally.quorumBlock(of: validators), let block = validBlock(id, into: &actions),
                  let commit = try? Commit(precommits: tally.votes(for: id))
            else { continue }
            decide(block, commit: commit, round: committedRound, into: &actions)
            return true
        }
        return false
    }

    mutating func decide(_ block: Block, commit: Commit, round decidedRound: UInt64,
                         into actions: inout [ConsensusAction]) {
        guard let rotation else { return }
        step = .decided
        actions.append(.decide(Decision(block: block, commit: commit,
                                        nextRotation: rotation.advanced(by: decidedRound + 1))))
    }

    /// Line 55: messages of a higher round from more than 1/3 of the power, start that round.
    private mutating func skipToHigherRound(_ validators: ValidatorSet, into actions: inout [ConsensusAction]) -> Bool {
        let higher = roundVotes.keys.filter { $0 > round }.sorted(by: >)
        for candidate in higher {
            let power = roundVotes[candidate]!.senderPower(in: validators)
            if power * 3 > validators.totalPower {
                startRound(candidate, into: &actions)
                return true
            }
        }
        return false
    }

    /// Lines 22–33: prevote the round's proposal (or nil) once it is known and checked.
    private mutating func prevoteProposal(_ validators: ValidatorSet, into actions: inout [ConsensusAction]) -> Bool {
        guard step == .propose, let signed = proposals[round] else { return false }
        let proposal = signed.object
        guard blocks[proposal.blockID] != nil else { return false }
        let canVote: Bool
        if proposal.polRound == -1 {
            // Line 22.
            guard let valid = verdict(proposal.blockID, into: &actions) else { return false }
            canVote = valid && (lockedRound == -1 || lockedBlockID == proposal.blockID)
        } else {
            // Line 28: only with +2/3 prevotes for the block in the proof-of-lock round.
            let polRound = UInt64(proposal.polRound)
            guard polRound < round,
                  validators.isQuorum(roundVotes[polRound]?.prevotes.power(for: proposal.blockID) ?? 0),
                  let valid = verdict(proposal.blockID, into: &actions)
            else { return false }
            canVote = valid && (lockedRound <= proposal.polRound || lockedBlockID == proposal.blockID)
        }
        sendVote(.prevote, canVote ? proposal.blockID : nil, into: &actions)
        step = .prevote
        return true
    }

    /// Line 36: the round's proposal has +2/3 prevotes (a polka): lock on it and precommit it (when
    /// still in the prevote step), and remember it as the valid block.
    private mutating func lockOnPolka(_ validators: ValidatorSet, into actions: inout [ConsensusAction]) -> Bool {
        guard step >= .prevote, !polkaHandled.contains(round), let signed = proposals[round] else { return false }
        let id = signed.object.blockID
        guard validators.isQuorum(roundVotes[round]?.prevotes.power(for: id) ?? 0),
              let block = validBlock(id, into: &actions)
        else { return false }
        polkaHandled.insert(round)
        if step == .prevote {
            // The block is logged before the precommit, so that a restart keeps what it locked on.
            if lockedBlockID != id { actions.append(.persist(.signed(.lockedBlock(block)))) }
            lockedBlockID = id
            lockedRound = Int64(round)
            sendVote(.precommit, id, into: &actions)
            step = .precommit
        }
        validBlockID = id
        validRound = Int64(round)
        return true
    }

    /// Line 44: +2/3 prevotes for nil, precommit nil.
    private mutating func precommitNilOnNilPolka(_ validators: ValidatorSet, into actions: inout [ConsensusAction]) -> Bool {
        guard step == .prevote, validators.isQuorum(roundVotes[round]?.prevotes.power(for: nil) ?? 0) else { return false }
        sendVote(.precommit, nil, into: &actions)
        step = .precommit
        return true
    }

    /// Lines 34 and 47: +2/3 of any prevotes / precommits in the round start the step's timeout, once.
    private mutating func scheduleStepTimeouts(_ validators: ValidatorSet, into actions: inout [ConsensusAction]) {
        let votes = roundVotes[round] ?? RoundVotes()
        if step == .prevote, !prevoteTimeoutScheduled.contains(round), validators.isQuorum(votes.prevotes.totalPower) {
            prevoteTimeoutScheduled.insert(round)
            actions.append(.scheduleTimeout(ConsensusTimeout(height: height, round: round, step: .prevote),
                                            afterMillis: timeouts.duration(.prevote, round: round)))
        }
        if !precommitTimeoutScheduled.contains(round), validators.isQuorum(votes.precommits.totalPower) {
            precommitTimeoutScheduled.insert(round)
            actions.append(.scheduleTimeout(ConsensusTimeout(height: height, round: round, step: .precommit),
                                            afterMillis: timeouts.duration(.precommit, round: round)))
        }
    }
}
