/// The type tag every FogLedger object carries under key 0 of its CBOR map.
///
/// Together with the chain id under key 1, it separates signature domains: a signature over one kind
/// of object on one chain can never be replayed as another kind, or on another chain.
public enum ObjectType: UInt64, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// A device reading, signed by the device (or its gateway).
    case reading = 1
    /// Several readings of one device under one signature.
    case readingBatch = 2
    /// A transaction signed by an account.
    case transaction = 3
    /// A block proposal signed by the round's proposer.
    case proposal = 4
    /// A prevote or precommit signed by a validator.
    case vote = 5
    /// A block header (hashed, not signed: validators sign votes for its hash).
    case blockHeader = 16
    /// A block: header, transactions and the previous block's commit.
    case block = 17
    /// The precommit signatures that finalise a block.
    case commit = 18
    /// A validator set.
    case validatorSet = 19
    /// The genesis document.
    case genesis = 20
    /// An account's state record (not signed: committed in the state tree).
    case accountRecord = 21
    /// A device's state record (not signed: committed in the state tree).
    case deviceRecord = 22
    /// The outcome of one envelope in a block.
    case receipt = 23
    /// A block header with the commit that finalises it (a light-client proof part).
    case signedHeader = 24
    /// A signed header at which the validator set changes, with the next set (a light-client proof part).
    case validatorSetChange = 25
    /// A self-contained proof that a reading was committed (spec/light-client.md).
    case readingProof = 26
    /// A self-contained proof of a state key's value hash, or its absence, at a height (spec/light-client.md).
    case stateProof = 27
    /// The consensus parameters of a chain (genesis and state).
    case consensusParams = 28
    /// A validator's or validator candidate's state record.
    case validatorRecord = 29
    /// A pending proof-of-authority validator-set change and its approvals (state).
    case validatorProposal = 30
    /// The validator bookkeeping a block boundary reads: candidates, set changes, unbonding queue (state).
    case validatorSchedule = 31
    /// A reading a device that cannot sign sends its gateway with an HMAC tag (off-chain, spec/gateway.md §5).
    case hmacReading = 32

    public var description: String {
        switch self {
        case .reading: return "reading"
        case .readingBatch: return "reading-batch"
        case .transaction: return "transaction"
        case .proposal: return "proposal"
        case .vote: return "vote"
        case .blockHeader: return "block-header"
        case .block: return "block"
        case .commit: return "commit"
        case .validatorSet: return "validator-set"
        case .genesis: return "genesis"
        case .accountRecord: return "account-record"
        case .deviceRecord: return "device-record"
        case .receipt: return "receipt"
        case .signedHeader: return "signed-header"
        case .validatorSetChange: return "validator-set-change"
        case .readingProof: return "reading-proof"
        case .stateProof: return "state-proof"
        case .consensusParams: return "consensus-params"
        case .validatorRecord: return "validator-record"
        case .validatorProposal: return "validator-proposal"
        case .validatorSchedule: return "validator-schedule"
        case .hmacReading: return "hmac-reading"
        }
    }
}
