public import FogCore
public import FogCrypto

/// How a chain chooses its validators.
public enum ConsensusMode: String, Hashable, Sendable, CaseIterable {
    /// Proof-of-Authority: a named set, changed by a 2/3 vote of the current set.
    case poa
    /// Delegated Proof-of-Stake: the top validators by bonded stake, changed at epoch boundaries.
    case dpos
}

/// An account funded at genesis.
public struct GenesisAccount: Hashable, Sendable {
    /// The account's key; its address derives from it.
    public let publicKey: PublicKey
    /// The native-token balance it starts with.
    public let balance: UInt64

    /// Creates a genesis allocation.
    public init(publicKey: PublicKey, balance: UInt64) {
        self.publicKey = publicKey
        self.balance = balance
    }
}

/// The genesis document, the one thing an offline verifier trusts:
/// `{0: 20, 1: chain, 2: time, 3: "poa" | "dpos", 4: validator set, 5: [{1: COSE_Key, 2: balance}, …]}`,
/// plus `6: consensus-params` when they differ from ``ConsensusParams/default`` (absent otherwise, so
/// the encoding stays canonical and older genesis files keep their bytes and hash).
///
/// Accounts are sorted by address and distinct; the genesis hash is SHA-256 of the encoding.
public struct Genesis: CanonicalObject {
    public static let objectType = ObjectType.genesis

    /// The chain's id.
    public let chainID: ChainID
    /// Genesis time in milliseconds since the Unix epoch; the first block's time is not earlier.
    public let timeMillis: UInt64
    /// The validator-selection mode.
    public let consensus: ConsensusMode
    /// The validators of height 1.
    public let validators: ValidatorSet
    /// The funded accounts, sorted by address.
    public let accounts: [GenesisAccount]
    /// The validator-selection parameters.
    public let params: ConsensusParams

    /// Creates a genesis document; accounts are sorted here and must be distinct.
    public init(chainID: ChainID, timeMillis: UInt64, consensus: ConsensusMode, validators: ValidatorSet,
                accounts: [GenesisAccount], params: ConsensusParams = .default) throws(ObjectError) {
        guard accounts.count <= ObjectLimits.maxGenesisAccounts else {
            throw ObjectError(.limitExceeded, "genesis holds at most \(ObjectLimits.maxGenesisAccounts) accounts")
        }
        // Each address is a hash of the key's COSE_Key: compute it once per account, not per comparison.
        let keyed = accounts.map { (address: $0.publicKey.address, account: $0) }.sorted { $0.address < $1.address }
        for index in keyed.indices.dropFirst() where keyed[index - 1].address == keyed[index].address {
            throw ObjectError(.invalidValue, "genesis account \(keyed[index].address) appears twice")
        }
        let sorted = keyed.map(\.account)
        self.chainID = chainID
        self.timeMillis = timeMillis
        self.consensus = consensus
        self.validators = validators
        self.accounts = sorted
        self.params = params
    }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, .text(chainID.value))
        entries.put(2, .unsigned(timeMillis))
        entries.put(3, .text(consensus.rawValue))
        entries.put(4, validators.cborValue)
        entries.put(5, .array(accounts.map { account in
            var entry: [CBORMapEntry] = []
            entry.put(1, COSEKey.value(account.publicKey))
            entry.put(2, .unsigned(account.balance))
            return .map(entry)
        }))
        if params != .default { entries.put(6, params.cborValue) }
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let chainID = try fields.chain()
        let time = try fields.uint(2, "time")
        let modeValue = try fields.required(3, "consensus")
        guard case .text(let modeText) = modeValue else {
            throw ObjectError(.malformed, "genesis.consensus: expected text string, found \(modeValue.typeName)")
        }
        guard let mode = ConsensusMode(rawValue: modeText) else {
            throw ObjectError(.invalidValue, "genesis.consensus: \"\(modeText)\" is neither \"poa\" nor \"dpos\"")
        }
        let validators = try ValidatorSet.decode(try fields.required(4, "validators"))
        let items = try fields.list(5, "genesis.accounts", maxCount: ObjectLimits.maxGenesisAccounts)
        var accounts: [GenesisAccount] = []
        for (index, item) in items.enumerated() {
            var entry = try CBORFields(item, object: "genesis.accounts[\(index)]")
            let key = try entry.canonicalKey(1, "genesis.accounts[\(index)]")
            let balance = try entry.uint(2, "balance")
            try entry.finish()
            accounts.append(GenesisAccount(publicKey: key, balance: balance))
        }
        var params = ConsensusParams.default
        if let value = fields.optional(6) {
            params = try ConsensusParams.decode(value)
            guard params != .default else {
                throw ObjectError(.malformed, "genesis.params: the default parameters are omitted, not written")
            }
        }
        try self.init(chainID: chainID, timeMillis: time, consensus: mode, validators: validators, accounts: accounts,
                      params: params)
        guard self.accounts == accounts else {
            throw ObjectError(.malformed, "genesis.accounts: not sorted by address")
        }
    }
}
