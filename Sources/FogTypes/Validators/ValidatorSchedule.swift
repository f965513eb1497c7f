public import FogCore
public import FogCrypto

/// Tokens on their way back to an account after an undelegation.
public struct UnbondingEntry: Hashable, Sendable {
    /// The first height at whose start the tokens return.
    public let maturity: UInt64
    /// The account they return to.
    public let account: Address
    /// How many (≥ 1).
    public let amount: UInt64

    /// Creates an entry.
    public init(maturity: UInt64, account: Address, amount: UInt64) {
        self.maturity = maturity
        self.account = account
        self.amount = amount
    }
}

/// What block boundaries need to enumerate, which the hashed state keys cannot (spec/state.md §1,
/// key `0x03 ‖ 0x02`): `{0: 31, 1: [candidate, …], 2: [height, …], 3: [[maturity, account, amount], …],
/// 4: "poa" | "dpos"}`.
///
/// - mode: the genesis' consensus mode, which execution reads from the state;
/// - candidates: every DPoS validator record's address, sorted (empty in PoA), at most `maxCandidates`;
/// - setHeights: the heights from which a new validator set signs, ascending, from the newest at or
///   below the evidence window up to the latest (each has its set under key `0x03 ‖ 0x03 ‖ height`);
/// - unbonding: entries in maturity order (ties in the order they were made), at most `maxUnbonding`.
public struct ValidatorSchedule: CanonicalObject {
    public static let objectType = ObjectType.validatorSchedule
    /// The most DPoS candidates a chain has.
    public static let maxCandidates = 1_000
    /// The most unbonding entries in flight on a chain.
    public static let maxUnbonding = 1_000
    /// The most set heights indexed: one per height of the largest evidence window, and one below it.
    public static let maxSetHeights = Int(ConsensusParams.maxEvidenceAgeLimit) + 2

    /// How validators are chosen.
    public let mode: ConsensusMode
    /// The DPoS candidates, sorted by address.
    public var candidates: [Address]
    /// Heights at which a new validator set takes effect, ascending.
    public var setHeights: [UInt64]
    /// Tokens returning, in maturity order.
    public var unbonding: [UnbondingEntry]

    /// Creates a schedule, checking order and limits.
    public init(mode: ConsensusMode, candidates: [Address], setHeights: [UInt64],
                unbonding: [UnbondingEntry]) throws(ObjectError) {
        guard candidates.count <= Self.maxCandidates, setHeights.count <= Self.maxSetHeights,
              unbonding.count <= Self.maxUnbonding else {
            throw ObjectError(.limitExceeded, "validator-schedule: a list exceeds its limit")
        }
        for index in candidates.indices.dropFirst() where !(candidates[index - 1] < candidates[index]) {
            throw ObjectError(.malformed, "validator-schedule.candidates: not sorted, or repeated")
        }
        for index in setHeights.indices.dropFirst() where !(setHeights[index - 1] < setHeights[index]) {
            throw ObjectError(.malformed, "validator-schedule.setHeights: not ascending")
        }
        for index in unbonding.indices.dropFirst() where unbonding[index - 1].maturity > unbonding[index].maturity {
            throw ObjectError(.malformed, "validator-schedule.unbonding: not in maturity order")
        }
        guard unbonding.allSatisfy({ $0.amount >= 1 }) else {
            throw ObjectError(.invalidValue, "validator-schedule.unbonding: an amount of 0")
        }
        self.mode = mode
        self.candidates = candidates
        self.setHeights = setHeights
        self.unbonding = unbonding
    }

    /// The height from which the set that signs `height` took effect: the last set height ≤ `height`.
    public func setHeight(signing height: UInt64) -> UInt64? {
        setHeights.last { $0 <= height }
    }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, .array(candidates.map(CBORValue.address)))
        entries.put(2, .array(setHeights.map(CBORValue.unsigned)))
        entries.put(3, .array(unbonding.map { .array([.unsigned($0.maturity), .address($0.account), .unsigned($0.amount)]) }))
        entries.put(4, .text(mode.rawValue))
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let addressLength = Address.byteCount...Address.byteCount
        let candidates = try fields.list(1, "validator-schedule.candidates", maxCount: Self.maxCandidates).map {
            Address(bytes: try CBORFields.bytes($0, "validator-schedule.candidates", length: addressLength))!
        }
        let heights = try fields.list(2, "validator-schedule.setHeights", maxCount: Self.maxSetHeights).map {
            try CBORFields.uint($0, "validator-schedule.setHeights")
        }
        let unbonding = try fields.list(3, "validator-schedule.unbonding", maxCount: Self.maxUnbonding).map { item throws -> UnbondingEntry in
            guard case .array(let triple) = item, triple.count == 3 else {
                throw ObjectError(.malformed, "validator-schedule.unbonding: expected [maturity, account, amount]")
            }
            return UnbondingEntry(maturity: try CBORFields.uint(triple[0], "validator-schedule.unbonding.maturity"),
                                  account: Address(bytes: try CBORFields.bytes(triple[1], "validator-schedule.unbonding.account",
                                                                               length: addressLength))!,
                                  amount: try CBORFields.uint(triple[2], "validator-schedule.unbonding.amount"))
        }
        let modeText = try fields.text(4, "mode", maxBytes: 8)
        guard let mode = ConsensusMode(rawValue: modeText) else {
            throw ObjectError(.invalidValue, "validator-schedule.mode: \"\(modeText)\" is neither \"poa\" nor \"dpos\"")
        }
        try self.init(mode: mode, candidates: candidates, setHeights: heights, unbonding: unbonding)
    }
}
