public import FogCore
public import FogCrypto

/// One account's stake in a DPoS validator.
public struct Stake: Hashable, Sendable {
    /// The delegating account (the operator's own stake is its self-bond).
    public let delegator: Address
    /// Bonded tokens (≥ 1).
    public let amount: UInt64

    /// Creates a stake.
    public init(delegator: Address, amount: UInt64) {
        self.delegator = delegator
        self.amount = amount
    }
}

/// A validator's state record (spec/state.md §1, key `0x04`):
/// `{0: 29, 1: COSE_Key, 2: operator, 3: jailed, 4: [[delegator, amount], …]}`.
///
/// The key is the consensus key (votes verify with it; the address derives from it). The operator is
/// the account that acts for the validator in transactions. `jailed` is final: a validator punished
/// for equivocation never returns. Stakes (DPoS only; empty in PoA) are sorted by delegator, distinct,
/// each ≥ 1, at most `maxStakes`, and sum to at most 2⁶⁴−1.
public struct ValidatorRecord: CanonicalObject {
    public static let objectType = ObjectType.validatorRecord
    /// The most delegations one validator holds.
    public static let maxStakes = 1_000

    /// The consensus key.
    public let publicKey: PublicKey
    /// The account that acts for the validator.
    public var operatorAccount: Address
    /// Punished for equivocation (final).
    public var jailed: Bool
    /// The bonded stakes, sorted by delegator.
    public private(set) var stakes: [Stake]

    /// Creates a record, checking the stakes' order, distinctness, amounts, count and sum.
    public init(publicKey: PublicKey, operatorAccount: Address, jailed: Bool, stakes: [Stake]) throws(ObjectError) {
        guard stakes.count <= Self.maxStakes else {
            throw ObjectError(.limitExceeded, "validator-record.stakes: \(stakes.count) exceed \(Self.maxStakes)")
        }
        var total: UInt64 = 0
        for (index, stake) in stakes.enumerated() {
            if index > 0, !(stakes[index - 1].delegator < stake.delegator) {
                throw ObjectError(.malformed, "validator-record.stakes: not sorted by delegator, or repeated")
            }
            guard stake.amount >= 1 else { throw ObjectError(.invalidValue, "validator-record.stakes: an amount of 0") }
            let (sum, overflow) = total.addingReportingOverflow(stake.amount)
            guard !overflow else { throw ObjectError(.limitExceeded, "validator-record.stakes: the sum exceeds 2^64-1") }
            total = sum
        }
        self.publicKey = publicKey
        self.operatorAccount = operatorAccount
        self.jailed = jailed
        self.stakes = stakes
    }

    /// The validator's address.
    public var address: Address { publicKey.address }

    /// The sum of all stakes: the validator's DPoS voting power.
    public var totalStake: UInt64 { stakes.reduce(0) { $0 + $1.amount } }

    /// The stake of `delegator` (0 when none).
    public func stake(of delegator: Address) -> UInt64 {
        stakes.first { $0.delegator == delegator }?.amount ?? 0
    }

    /// Sets `delegator`'s stake to `amount` (removing it at 0), keeping the order.
    public mutating func setStake(of delegator: Address, to amount: UInt64) {
        let index = stakes.firstIndex { !($0.delegator < delegator) } ?? stakes.endIndex
        let present = index < stakes.endIndex && stakes[index].delegator == delegator
        switch (present, amount) {
        case (true, 0): stakes.remove(at: index)
        case (true, _): stakes[index] = Stake(delegator: delegator, amount: amount)
        case (false, 0): break
        case (false, _): stakes.insert(Stake(delegator: delegator, amount: amount), at: index)
        }
    }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, COSEKey.value(publicKey))
        entries.put(2, .address(operatorAccount))
        entries.put(3, .bool(jailed))
        entries.put(4, .array(stakes.map { .array([.address($0.delegator), .unsigned($0.amount)]) }))
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let key = try fields.canonicalKey(1, "validator-record")
        let operatorAccount = try fields.address(2, "operator")
        let jailedValue = try fields.required(3, "jailed")
        guard case .bool(let jailed) = jailedValue else {
            throw ObjectError(.malformed, "validator-record.jailed: expected bool, found \(jailedValue.typeName)")
        }
        let items = try fields.list(4, "validator-record.stakes", maxCount: Self.maxStakes)
        let stakes = try items.map { item throws -> Stake in
            guard case .array(let pair) = item, pair.count == 2 else {
                throw ObjectError(.malformed, "validator-record.stakes: expected [delegator, amount]")
            }
            let delegator = Address(bytes: try CBORFields.bytes(pair[0], "validator-record.stakes.delegator",
                                                                length: Address.byteCount...Address.byteCount))!
            return Stake(delegator: delegator, amount: try CBORFields.uint(pair[1], "validator-record.stakes.amount"))
        }
        try self.init(publicKey: key, operatorAccount: operatorAccount, jailed: jailed, stakes: stakes)
    }
}
