public import FogCrypto
public import FogMerkle
public import FogTypes

/// The state a chain starts from: one account record per genesis allocation (nonce 0), and the
/// validator state (spec/state.md §3): the parameters, the genesis set as the next and pending sets
/// and as the set from height 1, the schedule, and one validator record per genesis validator.
public enum GenesisState {
    /// The genesis records, sorted by key.
    public static func changes(_ genesis: Genesis) -> [StateChange] {
        let accounts = genesis.accounts.map { account in
            StateChange(key: StateKey.account(account.publicKey.address),
                        record: AccountRecord(publicKey: account.publicKey, nonce: 0, balance: account.balance).encoded)
        }
        return (accounts + validatorChanges(genesis)).sorted { $0.key < $1.key }
    }

    /// The validator records of genesis. A genesis validator's operator is the account of its own
    /// address; in DPoS its power is its self-bond.
    private static func validatorChanges(_ genesis: Genesis) -> [StateChange] {
        let set = genesis.validators
        let dpos = genesis.consensus == .dpos
        // Genesis validators are distinct and sorted: the schedule and records always build.
        let schedule = try! ValidatorSchedule(mode: genesis.consensus, candidates: dpos ? set.validators.map(\.address) : [],
                                              setHeights: [1], unbonding: [])
        var changes = [
            StateChange(key: StateKey.consensusParams, record: genesis.params.encoded),
            StateChange(key: StateKey.nextValidatorSet, record: set.encoded),
            StateChange(key: StateKey.pendingValidatorSet, record: set.encoded),
            StateChange(key: StateKey.validatorSet(from: 1), record: set.encoded),
            StateChange(key: StateKey.validatorSchedule, record: schedule.encoded),
        ]
        for validator in set.validators {
            let stakes = dpos ? [Stake(delegator: validator.address, amount: validator.power)] : []
            let record = try! ValidatorRecord(publicKey: validator.publicKey, operatorAccount: validator.address,
                                              jailed: false, stakes: stakes)
            changes.append(StateChange(key: StateKey.validator(validator.address), record: record.encoded))
        }
        return changes
    }

    /// The genesis records as a diff over the empty tree (`nodes` is only read for the empty root,
    /// which needs no node).
    public static func diff(_ genesis: Genesis, in nodes: some SparseMerkleNodeStore) throws -> StateDiff {
        try StateDiff.compute(parentRoot: SparseMerkleTree.emptyRoot, height: 0, changes: changes(genesis), nodes: nodes)
    }

    /// The state root of `genesis`.
    public static func root(_ genesis: Genesis) throws -> Hash256 {
        try diff(genesis, in: InMemorySparseMerkleNodeStore()).root
    }
}
