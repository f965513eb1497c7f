public import FogCore
public import FogCrypto

/// The two vote steps of Tendermint consensus.
public enum VoteStep: UInt64, Hashable, Sendable, CustomStringConvertible {
    /// First-stage vote.
    case prevote = 1
    /// Second-stage vote; more than 2/3 of power precommitting one block commits it.
    case precommit = 2

    public var description: String { self == .prevote ? "prevote" : "precommit" }
}

/// A validator's vote: `{0: 5, 1: chain, 2: step, 3: height, 4: round, 5: block id | null, 6: validator}`.
/// A `null` block id is a vote for nil.
public struct Vote: SignedObject {
    public static let objectType = ObjectType.vote

    public let chainID: ChainID
    /// Prevote or precommit.
    public let step: VoteStep
    /// The height voted on (≥ 1).
    public let height: UInt64
    /// The round within the height.
    public let round: UInt64
    /// The block voted for, or `nil` for a nil vote.
    public let blockID: Hash256?
    /// The voting validator's address.
    public let validator: Address

    /// Creates a vote.
    public init(chainID: ChainID, step: VoteStep, height: UInt64, round: UInt64, blockID: Hash256?,
                validator: Address) throws(ObjectError) {
        guard height >= 1 else { throw ObjectError(.invalidValue, "vote.height must be at least 1") }
        self.chainID = chainID
        self.step = step
        self.height = height
        self.round = round
        self.blockID = blockID
        self.validator = validator
    }

    public var signer: Address { validator }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, .text(chainID.value))
        entries.put(2, .unsigned(step.rawValue))
        entries.put(3, .unsigned(height))
        entries.put(4, .unsigned(round))
        entries.put(5, blockID.map(CBORValue.hash) ?? .null)
        entries.put(6, .address(validator))
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let chainID = try fields.chain()
        let rawStep = try fields.uint(2, "step")
        guard let step = VoteStep(rawValue: rawStep) else {
            throw ObjectError(.invalidValue, "vote.step: \(rawStep) is neither prevote (1) nor precommit (2)")
        }
        let height = try fields.uint(3, "height")
        let round = try fields.uint(4, "round")
        let block = try fields.required(5, "block")
        let blockID: Hash256? = block == .null
            ? nil : Hash256(bytes: try CBORFields.bytes(block, "vote.block", length: 32...32))!
        try self.init(chainID: chainID, step: step, height: height, round: round, blockID: blockID,
                      validator: try fields.address(6, "validator"))
    }
}
