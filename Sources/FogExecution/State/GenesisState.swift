public import FogCrypto
public import FogMerkle
public import FogTypes

/// The state a chain starts from: one account record per genesis allocation (nonce 0).
///
/// Validators are not state: consensus reads them from the genesis document.
public enum GenesisState {
    /// The genesis records, sorted by key.
    public static func changes(_ genesis: Genesis) -> [StateChange] {
        genesis.accounts
            .map { account in
                StateChange(key: StateKey.account(account.publicKey.address),
                            record: AccountRecord(publicKey: account.publicKey, nonce: 0, balance: account.balance).encoded)
            }
            .sorted { $0.key < $1.key }
    }

    /// The genesis records as a diff over the empty tree (`nodes` is only read for the empty root,
    /// which needs no node).
    public static func diff(_ genesis: Genesis, in nodes: some SparseMerkleNodeStore) throws -> StateDiff {
        try StateDiff.compute(parentRoot: SparseMerkleTree.emptyRoot, changes: changes(genesis), nodes: nodes)
    }

    /// The state root of `genesis`.
    public static func root(_ genesis: Genesis) throws -> Hash256 {
        try diff(genesis, in: InMemorySparseMerkleNodeStore()).root
    }
}
