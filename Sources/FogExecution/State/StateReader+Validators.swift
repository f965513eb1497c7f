public import FogCrypto
public import FogTypes

extension StateReader {
    /// The validator set that signs block `height`, read from any state after block `height − 1` whose
    /// schedule still indexes it (the evidence window, spec/state.md §4); `nil` when it does not. The
    /// set of H + 2 is not indexed by the state after H yet: it is that state's ``pendingValidatorSet()``.
    ///
    /// This is how consensus learns who signs a height: from the parent state of that height.
    public func validatorSet(forHeight height: UInt64) throws -> ValidatorSet? {
        guard let schedule = try validatorSchedule(), let from = schedule.setHeight(signing: height) else { return nil }
        return try validatorSet(from: from)
    }

    /// The set written when it took effect at `height`, or `nil`.
    public func validatorSet(from height: UInt64) throws -> ValidatorSet? {
        try decodedRecord(StateKey.validatorSet(from: height), DecodedValidatorSets.decode)
    }

    /// After block H: the set that signs H + 1.
    public func nextValidatorSet() throws -> ValidatorSet? {
        try decodedRecord(StateKey.nextValidatorSet, DecodedValidatorSets.decode)
    }

    /// After block H: the set that will sign H + 2 unless later blocks change it.
    public func pendingValidatorSet() throws -> ValidatorSet? {
        try decodedRecord(StateKey.pendingValidatorSet, DecodedValidatorSets.decode)
    }

    /// The validator schedule, or `nil` in a state without validators.
    public func validatorSchedule() throws -> ValidatorSchedule? {
        try decodedRecord(StateKey.validatorSchedule)
    }

    /// The consensus parameters, or `nil` in a state without validators.
    public func consensusParams() throws -> ConsensusParams? {
        try decodedRecord(StateKey.consensusParams)
    }

    /// The record of validator `address`, or `nil`.
    public func validatorRecord(_ address: Address) throws -> ValidatorRecord? {
        try decodedRecord(StateKey.validator(address))
    }

    /// The PoA proposal `id`, or `nil`.
    public func validatorProposal(_ id: Hash256) throws -> ValidatorProposal? {
        try decodedRecord(StateKey.proposal(id))
    }
}

extension StateOverlay {
    /// Writes (or removes) any canonical object in the current envelope.
    mutating func set(_ key: Hash256, object: (some CanonicalObject)?) {
        set(key, object?.encoded)
    }
}
