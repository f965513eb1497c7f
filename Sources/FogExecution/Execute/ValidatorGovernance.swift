import FogCrypto
import FogTypes

/// Applying a proof-of-authority change to a validator set.
enum ValidatorGovernance {
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
