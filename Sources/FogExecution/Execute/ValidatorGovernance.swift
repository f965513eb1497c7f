import FogCore
public import FogCrypto
public import FogTypes

/// The pure parts of proof-of-authority governance: proposal ids and applying a change to a set.
public enum ValidatorGovernance {
    /// The id of a proposal made by `body` in the block at `height`:
    /// `SHA-256(body encoding ‖ height as 8 bytes big-endian)`.
    public static func proposalID(_ body: ValidatorTransaction, height: UInt64) -> Hash256 {
        var hasher = SHA256Hasher()
        hasher.update(TransactionBody.validator(body).cborValue.encoded)
        hasher.update((0..<8).map { UInt8(truncatingIfNeeded: height >> (56 - 8 * $0)) })
        return hasher.finalize()
    }

    /// `set` after `change`: the validator removed (power 0), added or re-weighted.
    ///
    /// Fails with `unknown-validator` (removing one not in the set), `last-validator` (removing the
    /// only one), `validator-jailed` (adding a punished one) or `invalid-validator-set` (too many, or
    /// too much power).
    static func changed(_ set: ValidatorSet, by change: ValidatorChange, overlay: some StateReader) throws -> ValidatorSet {
        let address = change.validator
        let others = set.validators.filter { $0.address != address }
        if change.power == 0 {
            guard others.count < set.validators.count else {
                throw ExecutionError(.unknownValidator, "\(address) is not in the pending validator set")
            }
            guard !others.isEmpty else {
                throw ExecutionError(.lastValidator, "removing \(address) would leave no validator")
            }
            return try! ValidatorSet(others)
        }
        if let record = try overlay.validatorRecord(address), record.jailed {
            throw ExecutionError(.validatorJailed, "validator \(address) was punished for equivocation")
        }
        do {
            return try ValidatorSet(others + [try Validator(publicKey: change.publicKey, power: change.power)])
        } catch {
            throw ExecutionError(.invalidValidatorSet, error.detail)
        }
    }
}
