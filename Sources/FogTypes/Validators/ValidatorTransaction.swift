import FogCore
public import FogCrypto

/// Two conflicting votes by one validator: the proof of an equivocation (transaction kind 21).
///
/// Decoding checks each vote's encoding only; whether they conflict, verify and are recent enough is
/// checked by execution (spec/state.md §4), which reports each failure with its own code.
public struct Equivocation: Hashable, Sendable {
    /// The largest vote envelope evidence carries, in bytes (an ML-DSA-65 vote is under 5 KiB).
    public static let maxVoteBytes = 6 * 1024

    /// The first vote.
    public let first: Signed<Vote>
    /// The second vote.
    public let second: Signed<Vote>

    /// Creates evidence from two signed votes.
    public init(first: Signed<Vote>, second: Signed<Vote>) {
        self.first = first
        self.second = second
    }

    /// The validator named by the first vote (the one that signed both, when the evidence is valid).
    public var validator: Address { first.object.validator }
}

/// The bodies of the validator transaction kinds 16–21 (spec/encoding.md §2.18).
public enum ValidatorTransaction: Hashable, Sendable {
    /// Kind 16, PoA: propose `change`, acting for the validator `proposer` (whose operator signs).
    case propose(ValidatorChange, proposer: Address)
    /// Kind 17, PoA: approve proposal `proposal`, acting for `validator` (whose operator signs).
    case approve(proposal: Hash256, validator: Address)
    /// Kind 18, DPoS: become a candidate with consensus key `publicKey` and a self-bond of `amount`.
    case bond(publicKey: PublicKey, amount: UInt64)
    /// Kind 19, DPoS: stake `amount` with `validator`.
    case delegate(validator: Address, amount: UInt64)
    /// Kind 20, DPoS: withdraw `amount` of stake from `validator`; it returns after the unbonding period.
    case undelegate(validator: Address, amount: UInt64)
    /// Kind 21: evidence of equivocation.
    case evidence(Equivocation)

    /// The kind that carries this body.
    public var kind: TransactionKind {
        switch self {
        case .propose: .proposeValidatorChange
        case .approve: .approveValidatorChange
        case .bond: .bondValidator
        case .delegate: .delegate
        case .undelegate: .undelegate
        case .evidence: .submitEvidence
        }
    }

    /// The id of the proposal this body (a propose) makes in the block at `height`:
    /// `SHA-256(body encoding ‖ height as 8 bytes big-endian)`.
    public func proposalID(height: UInt64) -> Hash256 {
        var hasher = SHA256Hasher()
        hasher.update(TransactionBody.validator(self).cborValue.encoded)
        hasher.update((0..<8).map { UInt8(truncatingIfNeeded: height >> (56 - 8 * $0)) })
        return hasher.finalize()
    }

    /// Whether `kind` is one of these.
    public static func carries(_ kind: TransactionKind) -> Bool { (16...21).contains(kind.rawValue) }

    /// The body's name in errors.
    static func objectName(_ kind: TransactionKind) -> String {
        switch kind.rawValue {
        case 16: "propose-validator-change"
        case 17: "approve-validator-change"
        case 18: "bond-validator"
        case 19: "delegate"
        case 20: "undelegate"
        default: "submit-evidence"
        }
    }

    func put(into entries: inout [CBORMapEntry]) {
        switch self {
        case let .propose(change, proposer):
            entries.put(1, COSEKey.value(change.publicKey))
            entries.put(2, .unsigned(change.power))
            entries.put(3, .address(change.operatorAccount))
            entries.put(4, .address(proposer))
        case let .approve(proposal, validator):
            entries.put(1, .hash(proposal))
            entries.put(2, .address(validator))
        case let .bond(publicKey, amount):
            entries.put(1, COSEKey.value(publicKey))
            entries.put(2, .unsigned(amount))
        case let .delegate(validator, amount), let .undelegate(validator, amount):
            entries.put(1, .address(validator))
            entries.put(2, .unsigned(amount))
        case let .evidence(equivocation):
            entries.put(1, .bytes(equivocation.first.bytes))
            entries.put(2, .bytes(equivocation.second.bytes))
        }
    }

    static func read(kind: TransactionKind, _ fields: inout CBORFields, name: String) throws -> ValidatorTransaction {
        switch kind.rawValue {
        case 16:
            let key = try fields.canonicalKey(1, name)
            let power = try fields.uint(2, "power")
            let operatorAccount = try fields.address(3, "operator")
            return .propose(ValidatorChange(publicKey: key, power: power, operatorAccount: operatorAccount),
                            proposer: try fields.address(4, "proposer"))
        case 17:
            let proposal = try fields.hash(1, "proposal")
            return .approve(proposal: proposal, validator: try fields.address(2, "validator"))
        case 18:
            let key = try fields.canonicalKey(1, name)
            return .bond(publicKey: key, amount: try positiveAmount(&fields, name))
        case 19:
            let validator = try fields.address(1, "validator")
            return .delegate(validator: validator, amount: try positiveAmount(&fields, name))
        case 20:
            let validator = try fields.address(1, "validator")
            return .undelegate(validator: validator, amount: try positiveAmount(&fields, name))
        default:
            return .evidence(Equivocation(first: try vote(&fields, 1, "\(name).first"),
                                          second: try vote(&fields, 2, "\(name).second")))
        }
    }

    /// A vote envelope: a byte string of 1 to `maxVoteBytes` (more is `limit-exceeded`).
    private static func vote(_ fields: inout CBORFields, _ key: Int64, _ name: String) throws -> Signed<Vote> {
        let value = try fields.required(key, name)
        guard case .bytes(let bytes) = value, !bytes.isEmpty else {
            throw ObjectError(.malformed, "\(name): expected a non-empty byte string, found \(value.typeName)")
        }
        guard bytes.count <= Equivocation.maxVoteBytes else {
            throw ObjectError(.limitExceeded, "\(name): \(bytes.count) bytes exceed \(Equivocation.maxVoteBytes)")
        }
        return try Signed<Vote>(decoding: bytes)
    }

    private static func positiveAmount(_ fields: inout CBORFields, _ name: String) throws -> UInt64 {
        let amount = try fields.uint(2, "amount")
        guard amount > 0 else { throw ObjectError(.invalidValue, "\(name).amount must be at least 1") }
        return amount
    }
}

extension TransactionKind {
    /// PoA: proposes a validator-set change: body `{1: COSE_Key, 2: power, 3: operator, 4: proposer}`.
    public static let proposeValidatorChange = TransactionKind(rawValue: 16)
    /// PoA: approves a proposal: body `{1: proposal id, 2: validator}`.
    public static let approveValidatorChange = TransactionKind(rawValue: 17)
    /// DPoS: bonds a new candidate: body `{1: COSE_Key, 2: amount}`.
    public static let bondValidator = TransactionKind(rawValue: 18)
    /// DPoS: delegates stake: body `{1: validator, 2: amount}`.
    public static let delegate = TransactionKind(rawValue: 19)
    /// DPoS: undelegates stake: body `{1: validator, 2: amount}`.
    public static let undelegate = TransactionKind(rawValue: 20)
    /// Submits evidence of equivocation: body `{1: vote envelope, 2: vote envelope}`.
    public static let submitEvidence = TransactionKind(rawValue: 21)

    /// The validator kinds, in ascending order.
    public static let validatorKinds: [TransactionKind] = [
        .proposeValidatorChange, .approveValidatorChange, .bondValidator, .delegate, .undelegate, .submitEvidence,
    ]
}
