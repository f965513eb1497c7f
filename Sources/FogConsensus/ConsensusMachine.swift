public import FogCrypto
public import FogTypes

/// Tendermint consensus (Buchman, Kwon, Milosevic 2018, Algorithm 1) for one validator, as a pure
/// value: ``handle(_:)`` takes an event and returns the actions to carry out, in order. It reads no
/// clock (timeouts are actions and come back as events), does no IO (the WAL is written by the
/// driver on ``ConsensusAction/persist(_:)``) and draws no randomness. spec/consensus.md describes
/// it rule by rule.
///
/// The machine signs its own proposals and votes with the key it holds. Each is recorded by a
/// `persist` action before the action that sends it, and a vote is never signed twice for one
/// height, round and step, even across a restart (``HeightStart/signedBefore``).
public struct ConsensusMachine: Sendable {
    /// The chain.
    public let chainID: ChainID
    /// The timeouts.
    public let timeouts: ConsensusTimeouts
    let verifier: SignatureVerifier
    let key: PrivateKey
    /// This validator's address.
    public let address: Address

    /// The current height (0 before the first start).
    public internal(set) var height: UInt64 = 0
    /// The current round.
    public internal(set) var round: UInt64 = 0
    /// The current step.
    public internal(set) var step: ConsensusStep = .decided
    /// The rotation of the current height (holds its validator set).
    public internal(set) var rotation: ProposerRotation?
    /// The id of the block this validator is locked on, and the round it locked in (-1: none).
    public internal(set) var lockedBlockID: Hash256?
    /// The lock round, or -1.
    public internal(set) var lockedRound: Int64 = -1
    /// The last block seen with a polka in the current height, and its round (-1: none).
    public internal(set) var validBlockID: Hash256?
    /// The valid round, or -1.
    public internal(set) var validRound: Int64 = -1

    var roundVotes: [UInt64: RoundVotes] = [:]
    var proposals: [UInt64: Signed<Proposal>] = [:]
    var blocks: [Hash256: Block] = [:]
    var validity: [Hash256: Bool] = [:]
    var validationRequested: Set<Hash256> = []
    var ownVotes: [VoteKey: Signed<Vote>] = [:]
    var ownProposals: [UInt64: Signed<Proposal>] = [:]
    var awaitingBlockRound: UInt64?
    var prevoteTimeoutScheduled: Set<UInt64> = []
    var precommitTimeoutScheduled: Set<UInt64> = []
    var polkaHandled: Set<UInt64> = []
    var nextHeight: [ConsensusEvent] = []
    var reportedEquivocations: Set<EquivocationKey> = []

    /// A validator's step in a round of the current height, reported as equivocating once.
    struct EquivocationKey: Hashable {
        let validator: Address
        let round: UInt64
        let step: VoteStep
    }

    /// A (round, step) of the current height.
    struct VoteKey: Hashable {
        let round: UInt64
        let step: VoteStep
    }

    /// A machine for the validator holding `key`; it waits for ``ConsensusEvent/startHeight(_:)``.
    public init(chainID: ChainID, key: PrivateKey, timeouts: ConsensusTimeouts = ConsensusTimeouts(),
                verifier: SignatureVerifier = .cose) {
        self.chainID = chainID
        self.key = key
        self.verifier = verifier
        self.address = key.publicKey.address
        self.timeouts = timeouts
    }

    /// The validators of the current height.
    public var validators: ValidatorSet? { rotation?.validators }

    /// The proposer of `round` at the current height.
    public func proposer(round: UInt64) -> Address? { rotation?.proposer(round: round).address }

    /// Handles one event and returns what to do, in order.
    public mutating func handle(_ event: ConsensusEvent) -> [ConsensusAction] {
        var actions: [ConsensusAction] = []
        switch event {
        case .startHeight(let start):
            begin(start, into: &actions)
        case .proposal(let signed):
            guard admit(event, height: signed.object.height) else { break }
            receive(signed, into: &actions)
        case .block(let block):
            guard admit(event, height: block.header.height) else { break }
            receive(block)
        case .vote(let signed):
            guard admit(event, height: signed.object.height) else { break }
            receive(signed, into: &actions)
        case .timeout(let timeout):
            fire(timeout, into: &actions)
        case .proposeBlock(let block):
            propose(block, into: &actions)
        case .blockValidity(let blockID, let valid):
            if validationRequested.contains(blockID), validity[blockID] == nil { validity[blockID] = valid }
        case .commitReceived(let block, let commit):
            adopt(block, commit, into: &actions)
        }
        evaluate(into: &actions)
        return actions
    }

    /// What this validator re-sends when the driver's gossip timer fires, so that lost messages are
    /// eventually delivered: its proposal of the current round (with the block and proof of lock)
    /// and every vote it signed at the current height, oldest round first (a validator still in an
    /// earlier round needs those to time out or skip ahead).
    public var messagesToResend: [ConsensusAction] {
        var messages: [ConsensusAction] = []
        if let proposal = ownProposals[round], let block = blocks[proposal.object.blockID] {
            messages.append(.broadcastProposal(proposal, block))
            messages += proofOfLock(for: proposal.object).map(ConsensusAction.broadcastVote)
        }
        let keys = ownVotes.keys.sorted { ($0.round, $0.step.rawValue) < ($1.round, $1.step.rawValue) }
        messages += keys.map { .broadcastVote(ownVotes[$0]!) }
        return messages
    }

    /// Whether a message for `height` is for the current height; one for the next height is kept
    /// (bounded) until that height starts, and anything else is dropped.
    private mutating func admit(_ event: ConsensusEvent, height messageHeight: UInt64) -> Bool {
        if messageHeight == height && step != .decided { return true }
        if messageHeight == height + 1, nextHeight.count < ConsensusLimits.maxNextHeightMessages { nextHeight.append(event) }
        return false
    }

    // MARK: Starting heights and rounds

    private mutating func begin(_ start: HeightStart, into actions: inout [ConsensusAction]) {
        guard start.height > height || (start.height == height && rotation == nil) else { return }
        height = start.height
        rotation = start.rotation
        round = 0
        step = .propose
        lockedBlockID = nil
        lockedRound = -1
        validBlockID = nil
        validRound = -1
        roundVotes = [:]
        proposals = [:]
        blocks = [:]
        validity = [:]
        validationRequested = []
        ownVotes = [:]
        ownProposals = [:]
        awaitingBlockRound = nil
        prevoteTimeoutScheduled = []
        precommitTimeoutScheduled = []
        polkaHandled = []
        reportedEquivocations = []
        // The log restarts at each height; what was signed at this height before a restart is
        // written again, so the new log still holds it.
        let signedBefore = start.signedBefore.filter { $0.height == height }
        actions.append(.persist(.heightStarted(height)))
        actions += signedBefore.map { .persist(.signed($0)) }
        let restoredRound = restore(signedBefore)
        let power = start.validators.validator(address)?.power ?? 0
        for key in ownVotes.keys.sorted(by: { ($0.round, $0.step.rawValue) < ($1.round, $1.step.rawValue) }) {
            count(ownVotes[key]!, power: power, into: &actions)
        }
        let buffered = nextHeight
        nextHeight = []
        startRound(restoredRound, into: &actions)
        for event in buffered {
            switch event {
            case .proposal(let signed) where signed.object.height == height: receive(signed, into: &actions)
            case .block(let block) where block.header.height == height: receive(block)
            case .vote(let signed) where signed.object.height == height: receive(signed, into: &actions)
            default: break
            }
        }
    }

    /// Restores what this validator signed before a restart: it never signs another proposal or
    /// vote for those rounds and steps, it is locked on its latest precommitted block (whose
    /// contents the WAL holds), and it resumes in the latest round it signed in. Returns that round.
    private mutating func restore(_ messages: [OwnMessage]) -> UInt64 {
        var latestRound: UInt64 = 0
        for message in messages {
            switch message {
            case .proposal(let signed):
                ownProposals[signed.object.round] = signed
                latestRound = max(latestRound, signed.object.round)
            case .lockedBlock(let block):
                let id = block.header.blockID
                blocks[id] = block
                validity[id] = true
                validationRequested.insert(id)
            case .vote(let signed):
                let vote = signed.object
                ownVotes[VoteKey(round: vote.round, step: vote.step)] = signed
                latestRound = max(latestRound, vote.round)
                if vote.step == .precommit, let blockID = vote.blockID, Int64(vote.round) > lockedRound {
                    lockedBlockID = blockID
                    lockedRound = Int64(vote.round)
                    validBlockID = blockID
                    validRound = Int64(vote.round)
                }
            }
        }
        return latestRound
    }

    /// StartRound (lines 11–21).
    mutating func startRound(_ newRound: UInt64, into actions: inout [ConsensusAction]) {
        round = newRound
        step = .propose
        awaitingBlockRound = nil
        if ownVotes[VoteKey(round: newRound, step: .precommit)] != nil {
            step = .precommit
        } else if ownVotes[VoteKey(round: newRound, step: .prevote)] != nil {
            step = .prevote
        }
        actions.append(.scheduleTimeout(ConsensusTimeout(height: height, round: newRound, step: .propose),
                                        afterMillis: timeouts.duration(.propose, round: newRound)))
        guard step == .propose, proposer(round: newRound) == address, ownProposals[newRound] == nil else { return }
        if let validBlockID, let block = blocks[validBlockID] {
            sendProposal(block, polRound: validRound, into: &actions)
        } else {
            awaitingBlockRound = newRound
            actions.append(.requestBlock(height: height, round: newRound))
        }
    }

    /// The application's block for this validator's proposal (lines 16–19).
    private mutating func propose(_ block: Block, into actions: inout [ConsensusAction]) {
        guard let awaited = awaitingBlockRound, awaited == round, step == .propose, block.header.height == height,
              ownProposals[round] == nil
        else { return }
        awaitingBlockRound = nil
        validity[block.header.blockID] = true
        validationRequested.insert(block.header.blockID)
        sendProposal(block, polRound: -1, into: &actions)
    }

    private mutating func sendProposal(_ block: Block, polRound: Int64, into actions: inout [ConsensusAction]) {
        guard let proposal = try? Proposal(chainID: chainID, height: height, round: round, polRound: polRound,
                                           blockID: block.header.blockID, proposer: address),
              let signed = try? Signed.sign(proposal, with: key)
        else { return }
        ownProposals[round] = signed
        actions.append(.persist(.signed(.proposal(signed))))
        actions.append(.broadcastProposal(signed, block))
        actions += proofOfLock(for: proposal).map(ConsensusAction.broadcastVote)
        blocks[block.header.blockID] = block
        proposals[round] = signed
    }

    /// The prevotes of a re-proposed block's proof-of-lock round, sent with the proposal so that a
    /// validator that missed them can apply line 28.
    private func proofOfLock(for proposal: Proposal) -> [Signed<Vote>] {
        guard proposal.polRound >= 0, let votes = roundVotes[UInt64(proposal.polRound)] else { return [] }
        return votes.prevotes.votes(for: proposal.blockID)
    }

    /// Signs, records and sends this validator's vote, and counts it.
    mutating func sendVote(_ voteStep: VoteStep, _ blockID: Hash256?, into actions: inout [ConsensusAction]) {
        let key = VoteKey(round: round, step: voteStep)
        guard ownVotes[key] == nil,
              let vote = try? Vote(chainID: chainID, step: voteStep, height: height, round: round, blockID: blockID,
                                   validator: address),
              let signed = try? Signed.sign(vote, with: self.key)
        else { return }
        ownVotes[key] = signed
        actions.append(.persist(.signed(.vote(signed))))
        actions.append(.broadcastVote(signed))
        count(signed, power: validators?.validator(address)?.power ?? 0, into: &actions)
    }
}
