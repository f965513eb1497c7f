extension ExecutionError.Code {
    /// A PoA transaction on a DPoS chain, or the reverse.
    public static let wrongConsensusMode = Self("wrong-consensus-mode")
    /// The signer is not the operator of the named validator, or that validator is not in the set
    /// of the block.
    public static let notValidator = Self("not-validator")
    /// A validator (or candidate) that has no record, or is not in the set of the evidence's height.
    public static let unknownValidator = Self("unknown-validator")
    /// Bonding a consensus key that already has a validator record.
    public static let validatorExists = Self("validator-exists")
    /// The validator was punished for equivocation: it takes no new stake and never returns.
    public static let validatorJailed = Self("validator-jailed")
    /// The change would leave the validator set empty.
    public static let lastValidator = Self("last-validator")
    /// The change would make an invalid set (over `maxValidators`, or over the total power limit).
    public static let invalidValidatorSet = Self("invalid-validator-set")
    /// The same proposal (same body) was already made in this block.
    public static let proposalExists = Self("proposal-exists")
    /// No open proposal has this id (never made, applied, or expired).
    public static let unknownProposal = Self("unknown-proposal")
    /// The proposal is older than the proposal lifetime.
    public static let proposalExpired = Self("proposal-expired")
    /// The validator approved this proposal already.
    public static let alreadyApproved = Self("already-approved")
    /// A self-bond below the chain's minimum.
    public static let belowMinSelfBond = Self("below-min-self-bond")
    /// The chain holds the most candidates it may.
    public static let tooManyCandidates = Self("too-many-candidates")
    /// The validator holds the most delegations it may.
    public static let tooManyDelegations = Self("too-many-delegations")
    /// Undelegating more than is staked.
    public static let insufficientStake = Self("insufficient-stake")
    /// The chain holds the most unbonding entries it may.
    public static let unbondingQueueFull = Self("unbonding-queue-full")
    /// The two votes are not by one validator at one height, round and step.
    public static let evidenceMismatch = Self("evidence-mismatch")
    /// The two votes are for the same block: no equivocation.
    public static let evidenceSameBlock = Self("evidence-same-block")
    /// The votes are for a height not below the block's.
    public static let evidenceFromFuture = Self("evidence-from-future")
    /// The votes are more than `maxEvidenceAge` heights below the block.
    public static let evidenceTooOld = Self("evidence-too-old")
    /// A vote's signature does not verify with the validator's key.
    public static let evidenceBadSignature = Self("evidence-bad-signature")
    /// The validator was already punished.
    public static let alreadyPunished = Self("already-punished")
}
