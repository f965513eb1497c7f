public import FogCore
public import FogCrypto

/// A block header. Its hash is the block id that proposals and votes name:
/// `{0: 16, 1: chain, 2: height, 3: time, 4: previous, 5: lastCommit, 6: transactionsRoot,
///   7: readingsRoot, 8: stateRoot, 9: validatorsHash, 10: nextValidatorsHash, 11: proposer}`.
///
/// At height 1, `previousBlockID` and `lastCommitHash` are all zeros. `stateRoot` is the state after
/// this block's transactions; `nextValidatorsHash` commits to the set that signs height + 1.
public struct BlockHeader: CanonicalObject {
    public static let objectType = ObjectType.blockHeader

    /// The chain.
    public var chainID: ChainID
    /// The height (≥ 1).
    public var height: UInt64
    /// Block time in milliseconds since the Unix epoch.
    public var timeMillis: UInt64
    /// The id of the block at `height - 1`.
    public var previousBlockID: Hash256
    /// The hash of the commit of the block at `height - 1` carried in this block.
    public var lastCommitHash: Hash256
    /// RFC 9162 root over this block's transaction envelopes.
    public var transactionsRoot: Hash256
    /// RFC 9162 root over the readings this block commits (each `Reading` encoding is a leaf).
    public var readingsRoot: Hash256
    /// The sparse-Merkle state root after this block.
    public var stateRoot: Hash256
    /// Hash of the validator set that signs this block.
    public var validatorsHash: Hash256
    /// Hash of the validator set that signs the next block.
    public var nextValidatorsHash: Hash256
    /// The address of the validator that proposed the block.
    public var proposer: Address

    /// Creates a header.
    public init(chainID: ChainID, height: UInt64, timeMillis: UInt64, previousBlockID: Hash256,
                lastCommitHash: Hash256, transactionsRoot: Hash256, readingsRoot: Hash256, stateRoot: Hash256,
                validatorsHash: Hash256, nextValidatorsHash: Hash256, proposer: Address) throws(ObjectError) {
        guard height >= 1 else { throw ObjectError(.invalidValue, "block-header.height must be at least 1") }
        self.chainID = chainID
        self.height = height
        self.timeMillis = timeMillis
        self.previousBlockID = previousBlockID
        self.lastCommitHash = lastCommitHash
        self.transactionsRoot = transactionsRoot
        self.readingsRoot = readingsRoot
        self.stateRoot = stateRoot
        self.validatorsHash = validatorsHash
        self.nextValidatorsHash = nextValidatorsHash
        self.proposer = proposer
    }

    /// The block id: SHA-256 of the header's encoding.
    public var blockID: Hash256 { hash }

    /// Whether the next block is signed by another validator set than this one: a change point of
    /// the validator-set history (spec/light-client.md §4).
    public var changesValidatorSet: Bool { nextValidatorsHash != validatorsHash }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, .text(chainID.value))
        entries.put(2, .unsigned(height))
        entries.put(3, .unsigned(timeMillis))
        entries.put(4, .hash(previousBlockID))
        entries.put(5, .hash(lastCommitHash))
        entries.put(6, .hash(transactionsRoot))
        entries.put(7, .hash(readingsRoot))
        entries.put(8, .hash(stateRoot))
        entries.put(9, .hash(validatorsHash))
        entries.put(10, .hash(nextValidatorsHash))
        entries.put(11, .address(proposer))
        return entries
    }

    public init(fields: inout CBORFields) throws {
        try self.init(
            chainID: try fields.chain(), height: try fields.uint(2, "height"), timeMillis: try fields.uint(3, "time"),
            previousBlockID: try fields.hash(4, "previous"), lastCommitHash: try fields.hash(5, "lastCommit"),
            transactionsRoot: try fields.hash(6, "transactionsRoot"), readingsRoot: try fields.hash(7, "readingsRoot"),
            stateRoot: try fields.hash(8, "stateRoot"), validatorsHash: try fields.hash(9, "validatorsHash"),
            nextValidatorsHash: try fields.hash(10, "nextValidatorsHash"), proposer: try fields.address(11, "proposer"))
    }
}
