public import FogCore

/// One step of a light client's validator-set history: a signed header at which the validator set
/// changes, and the set that signs the next height:
/// `{0: 25, 1: signed-header, 2: validator-set}`.
///
/// The verifier checks that the header's commit carries a quorum of the set it trusts so far, and that
/// `nextValidators` hashes to the header's `nextValidatorsHash` (spec/light-client.md §4).
public struct ValidatorSetChange: CanonicalObject {
    public static let objectType = ObjectType.validatorSetChange

    /// The header at which the set changes, with its commit.
    public let signedHeader: SignedHeader
    /// The validator set of the next height.
    public let nextValidators: ValidatorSet

    /// Creates a history step.
    public init(signedHeader: SignedHeader, nextValidators: ValidatorSet) {
        self.signedHeader = signedHeader
        self.nextValidators = nextValidators
    }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, signedHeader.cborValue)
        entries.put(2, nextValidators.cborValue)
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let signedHeader = try SignedHeader.decode(try fields.required(1, "signedHeader"))
        let next = try ValidatorSet.decode(try fields.required(2, "nextValidators"))
        self.init(signedHeader: signedHeader, nextValidators: next)
    }
}

extension ValidatorSetChange {
    /// Checks the history's named limit.
    static func checkHistory(_ history: [ValidatorSetChange], _ object: String) throws(ObjectError) {
        guard history.count <= ProofLimits.maxValidatorSetChanges else {
            throw ObjectError(.limitExceeded, "\(object).history: \(history.count) changes exceed the limit of \(ProofLimits.maxValidatorSetChanges)")
        }
    }

    /// A history as a CBOR array.
    static func value(_ history: [ValidatorSetChange]) -> CBORValue {
        .array(history.map(\.cborValue))
    }

    /// Reads a history array under `key`.
    static func history(_ fields: inout CBORFields, _ key: Int64, _ object: String) throws -> [ValidatorSetChange] {
        let items = try fields.list(key, "\(object).history", maxCount: ProofLimits.maxValidatorSetChanges)
        return try items.map { try ValidatorSetChange.decode($0) }
    }
}
