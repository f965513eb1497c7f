public import FogCore
public import FogCrypto

/// A validator: a consensus key and its voting power.
public struct Validator: Hashable, Sendable {
    /// The validator's consensus key.
    public let publicKey: PublicKey
    /// Its voting power (≥ 1).
    public let power: UInt64
    /// The address derived from `publicKey`.
    public let address: Address

    /// Creates a validator with a power of at least 1.
    public init(publicKey: PublicKey, power: UInt64) throws(ObjectError) {
        guard power >= 1 else { throw ObjectError(.invalidValue, "validator power must be at least 1") }
        self.publicKey = publicKey
        self.power = power
        self.address = publicKey.address
    }
}

/// The validators of a height: `{0: 19, 1: [{1: COSE_Key, 2: power}, …]}`, sorted by address.
///
/// Holds 1 to `ObjectLimits.maxValidators` distinct validators whose total power is at most
/// `maxTotalPower`, so that quorum arithmetic (3 × power) never overflows.
public struct ValidatorSet: CanonicalObject {
    public static let objectType = ObjectType.validatorSet
    /// The largest total voting power of a set.
    public static let maxTotalPower: UInt64 = 1 << 60

    /// The validators, sorted by address.
    public let validators: [Validator]
    /// The sum of all voting power.
    public let totalPower: UInt64

    /// Creates a set from validators in any order; addresses must be distinct.
    public init(_ validators: [Validator]) throws(ObjectError) {
        guard !validators.isEmpty, validators.count <= ObjectLimits.maxValidators else {
            throw ObjectError(.limitExceeded, "a validator set holds 1–\(ObjectLimits.maxValidators) validators, found \(validators.count)")
        }
        let sorted = validators.sorted { $0.address < $1.address }
        var total: UInt64 = 0
        for (index, validator) in sorted.enumerated() {
            if index > 0, sorted[index - 1].address == validator.address {
                throw ObjectError(.invalidValue, "validator \(validator.address) appears twice")
            }
            // Compare before adding: a power near 2⁶⁴ from a peer must not overflow the sum.
            guard validator.power <= Self.maxTotalPower - total else {
                throw ObjectError(.limitExceeded, "total voting power exceeds \(Self.maxTotalPower)")
            }
            total += validator.power
        }
        self.validators = sorted
        self.totalPower = total
    }

    /// The validator with `address`, if in the set.
    public func validator(_ address: Address) -> Validator? {
        var low = 0
        var high = validators.count
        while low < high {
            let mid = (low + high) / 2
            if validators[mid].address < address { low = mid + 1 } else { high = mid }
        }
        return low < validators.count && validators[low].address == address ? validators[low] : nil
    }

    /// Whether `power` is more than two thirds of the total: a quorum.
    public func isQuorum(_ power: UInt64) -> Bool {
        // totalPower ≤ 2⁶⁰, so 3 × power cannot overflow once power ≤ totalPower.
        power > totalPower || power * 3 > totalPower * 2
    }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, .array(validators.map { validator in
            var entry: [CBORMapEntry] = []
            entry.put(1, COSEKey.value(validator.publicKey))
            entry.put(2, .unsigned(validator.power))
            return .map(entry)
        }))
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let items = try fields.list(1, "validator-set.validators", maxCount: ObjectLimits.maxValidators)
        var validators: [Validator] = []
        for (index, item) in items.enumerated() {
            var entry = try CBORFields(item, object: "validator-set.validators[\(index)]")
            let key = try entry.canonicalKey(1, "validator-set.validators[\(index)]")
            let power = try entry.uint(2, "power")
            try entry.finish()
            validators.append(try Validator(publicKey: key, power: power))
        }
        try self.init(validators)
        guard self.validators.map(\.address) == validators.map(\.address) else {
            throw ObjectError(.malformed, "validator-set.validators: not sorted by address")
        }
    }
}
