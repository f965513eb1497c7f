public import FogCrypto
public import FogTypes

/// What a height needs to start: its number, its validators and their proposer rotation, all given
/// by the application (a set decided at height H signs from H + 2).
public struct HeightStart: Sendable {
    /// The height.
    public let height: UInt64
    /// The rotation of the height, which holds its validator set.
    public let rotation: ProposerRotation
    /// The proposals and votes this validator signed at this height before a restart, from its WAL
    /// (``ConsensusWAL/ownMessages(height:in:)``); empty on a fresh start.
    public let signedBefore: [OwnMessage]

    /// Creates a height start.
    public init(height: UInt64, rotation: ProposerRotation, signedBefore: [OwnMessage] = []) {
        self.height = height
        self.rotation = rotation
        self.signedBefore = signedBefore
    }

    /// The validators of the height.
    public var validators: ValidatorSet { rotation.validators }
}

/// An input of the consensus machine.
public enum ConsensusEvent: Sendable {
    /// Start a height (the first one, or the next once the application committed the decision).
    case startHeight(HeightStart)
    /// A proposal from the network (its signature is checked here).
    case proposal(Signed<Proposal>)
    /// A block from the network, with or after its proposal.
    case block(Block)
    /// A vote from the network (its signature is checked here).
    case vote(Signed<Vote>)
    /// A timeout the machine scheduled has fired.
    case timeout(ConsensusTimeout)
    /// The application's block for this validator to propose, answering ``ConsensusAction/requestBlock(height:round:)``.
    case proposeBlock(Block)
    /// The application's verdict on a block, answering ``ConsensusAction/validateBlock(_:)``.
    case blockValidity(blockID: Hash256, valid: Bool)
    /// A decided block with its commit from a peer, for a validator that fell behind.
    case commitReceived(Block, Commit)
}

/// An output of the consensus machine; the driver carries them out in order.
public enum ConsensusAction: Sendable {
    /// Append to the WAL and sync before carrying out any later action.
    case persist(WALRecord)
    /// Send a signed proposal and its block to every validator.
    case broadcastProposal(Signed<Proposal>, Block)
    /// Send a signed vote to every validator.
    case broadcastVote(Signed<Vote>)
    /// Deliver `.timeout(timeout)` after `afterMillis`.
    case scheduleTimeout(ConsensusTimeout, afterMillis: UInt64)
    /// Build the block this validator proposes at `height`, `round`; answer with `.proposeBlock`.
    case requestBlock(height: UInt64, round: UInt64)
    /// Check a proposed block against the application state; answer with `.blockValidity`.
    case validateBlock(Block)
    /// The height is decided: commit `block` with `commit`, then start the next height with `nextRotation`
    /// carried to its validator set.
    case decide(Decision)
    /// A validator signed two different votes for one step: evidence for the application.
    case evidence(Equivocation)
}

/// A decided height.
public struct Decision: Sendable {
    /// The decided block.
    public let block: Block
    /// More than 2/3 of the height's power precommitting it.
    public let commit: Commit
    /// The proposer rotation after the decision round, for the next height (before carrying it to
    /// that height's set with ``ProposerRotation/carried(to:)``).
    public let nextRotation: ProposerRotation
}

/// What this validator recorded in its WAL at a height: a proposal or vote it signed, or the block
/// it locked on (so that a restarted validator can still re-propose its lock).
public enum OwnMessage: Hashable, Sendable {
    /// A proposal.
    case proposal(Signed<Proposal>)
    /// A prevote or precommit.
    case vote(Signed<Vote>)
    /// The block of a polka this validator locked on, recorded before its precommit.
    case lockedBlock(Block)

    /// The height it belongs to.
    public var height: UInt64 {
        switch self {
        case .proposal(let signed): return signed.object.height
        case .vote(let signed): return signed.object.height
        case .lockedBlock(let block): return block.header.height
        }
    }
}
