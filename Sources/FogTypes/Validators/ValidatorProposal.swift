public import FogCore
public import FogCrypto

/// A pending proof-of-authority change and the validators that approved it (spec/state.md §1, key
/// `0x05`): `{0: 30, 1: COSE_Key, 2: power, 3: operator, 4: proposedAt, 5: [validator, …]}`.
///
/// Approvals are validator addresses, sorted and distinct, at most `ObjectLimits.maxValidators`.
public struct ValidatorProposal: CanonicalObject {
    public static let objectType = ObjectType.validatorProposal

    /// The change proposed.
    public let change: ValidatorChange
    /// The height of the block that created it.
    public let proposedAt: UInt64
    /// The validators that approved it, sorted by address.
    public private(set) var approvals: [Address]

    /// Creates a proposal record.
    public init(change: ValidatorChange, proposedAt: UInt64, approvals: [Address]) throws(ObjectError) {
        guard approvals.count <= ObjectLimits.maxValidators else {
            throw ObjectError(.limitExceeded, "validator-proposal.approvals: more than \(ObjectLimits.maxValidators)")
        }
        for index in approvals.indices.dropFirst() where !(approvals[index - 1] < approvals[index]) {
            throw ObjectError(.malformed, "validator-proposal.approvals: not sorted, or repeated")
        }
        self.change = change
        self.proposedAt = proposedAt
        self.approvals = approvals
    }

    /// Adds `validator`'s approval; false when it had approved already.
    public mutating func approve(_ validator: Address) -> Bool {
        let index = approvals.firstIndex { !($0 < validator) } ?? approvals.endIndex
        if index < approvals.endIndex, approvals[index] == validator { return false }
        approvals.insert(validator, at: index)
        return true
    }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, COSEKey.value(change.publicKey))
        entries.put(2, .unsigned(change.power))
        entries.put(3, .address(change.operatorAccount))
        entries.put(4, .unsigned(proposedAt))
        entries.put(5, .array(approvals.map(CBORValue.address)))
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let key = try fields.canonicalKey(1, "validator-proposal")
        let power = try fields.uint(2, "power")
        let operatorAccount = try fields.address(3, "operator")
        let proposedAt = try fields.uint(4, "proposedAt")
        let items = try fields.list(5, "validator-proposal.approvals", maxCount: ObjectLimits.maxValidators)
        let approvals = try items.map {
            Address(bytes: try CBORFields.bytes($0, "validator-proposal.approvals", length: Address.byteCount...Address.byteCount))!
        }
        try self.init(change: ValidatorChange(publicKey: key, power: power, operatorAccount: operatorAccount),
                      proposedAt: proposedAt, approvals: approvals)
    }
}
