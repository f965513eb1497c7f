public import FogCrypto
public import FogTypes

/// The block a proposer (or a replica) executes: where and when.
public struct BlockContext: Hashable, Sendable {
    /// The block's height (genesis state is height 0).
    public let height: UInt64
    /// The block's header time, in milliseconds since the Unix epoch.
    public let timeMillis: UInt64

    /// Creates a context.
    public init(height: UInt64, timeMillis: UInt64) {
        self.height = height
        self.timeMillis = timeMillis
    }
}

/// What happened to one envelope.
public struct EnvelopeOutcome: Hashable, Sendable {
    /// The receipt committed for it.
    public let receipt: Receipt
    /// Why it failed, with a detail; `nil` when it applied.
    public let error: ExecutionError?
}

/// The result of executing a block's envelopes on its parent state.
public struct BlockExecution: Sendable {
    /// One outcome per envelope, in block order.
    public let outcomes: [EnvelopeOutcome]
    /// The readings committed, in block order: the leaves of the readings tree.
    public let readings: [Reading]
    /// The encoding of each of `readings`, in the same order (made once per block: the readings
    /// root hashes them and a store keeps them).
    public let readingEncodings: [[UInt8]]
    /// RFC 9162 root over the envelopes' bytes.
    public let transactionsRoot: Hash256
    /// RFC 9162 root over `readings`' encodings.
    public let readingsRoot: Hash256
    /// The state changes and tree update, to persist atomically.
    public let state: StateDiff
    /// The validator set that signs this block: its header's `validatorsHash` is this set's hash.
    public let validators: ValidatorSet
    /// The validator set that signs the next height: the header's `nextValidatorsHash`. It differs
    /// from `validators` when a change made two blocks earlier (or an epoch) takes effect.
    public let nextValidators: ValidatorSet

    /// The receipts, in block order.
    public var receipts: [Receipt] { outcomes.map(\.receipt) }
    /// The state root after the block.
    public var stateRoot: Hash256 { state.root }
}
