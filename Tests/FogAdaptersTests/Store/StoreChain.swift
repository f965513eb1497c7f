import FogCore
import FogCrypto
import FogExecution
import FogStore
import FogTypes

/// A test chain on a store: a genesis with one validator and a funded account, and helpers that
/// sign envelopes, execute blocks on the store itself and commit them.
///
/// `fog-store-crash-helper` builds its blocks the same way (Sources/fog-store-crash-helper/Chain.swift).
struct StoreChain {
    static let chain = try! ChainID("fog-store-test")

    static func key(_ tag: UInt8) -> PrivateKey {
        try! PrivateKey(algorithm: .ed25519, seed: [tag] + (1...31).map { UInt8($0) })
    }

    static let alice = key(1)
    static let bob = key(2)
    static let validator = key(99)
    static let sensors = (10..<14).map { key(UInt8($0)) }

    static let genesis: Genesis = {
        let validators = try! ValidatorSet([try! Validator(publicKey: validator.publicKey, power: 1)])
        return try! Genesis(chainID: chain, timeMillis: 1_700_000_000_000, consensus: .poa, validators: validators,
                            accounts: [GenesisAccount(publicKey: alice.publicKey, balance: 1_000_000),
                                       GenesisAccount(publicKey: bob.publicKey, balance: 10)])
    }()

    let store: any LedgerStore
    let executor = Executor(chainID: StoreChain.chain)
    /// Whether each block is stored with its own commit (a single-validator chain).
    var commitAtOnce = true
    private var nonces: [Address: UInt64] = [:]
    private var sequences: [Address: UInt64] = [:]

    init(store: any LedgerStore) {
        self.store = store
    }

    // MARK: envelopes

    mutating func tx(_ key: PrivateKey, _ body: TransactionBody) -> [UInt8] {
        let signer = key.publicKey.address
        let nonce = nonces[signer] ?? ((try? store.account(signer))??.nonce ?? 0)
        nonces[signer] = nonce + 1
        return try! Signed.sign(try! body.transaction(chainID: Self.chain, signer: signer, nonce: nonce), with: key).bytes
    }

    static func registration(_ device: PrivateKey) -> TransactionBody {
        .registerDevice(try! DeviceRegistration(publicKey: device.publicKey, deviceType: "thermometer",
                                                metadata: .map([CBORMapEntry(.text("site"), .text("dock-4"))])))
    }

    /// The next reading of `device` (its sequence numbers count from 1, or follow the store's), at `timeMillis`.
    mutating func reading(_ device: PrivateKey, timeMillis: UInt64, value: UInt64 = 21) -> [UInt8] {
        let address = device.publicKey.address
        let sequence = (sequences[address] ?? ((try? store.device(address))??.lastSequence ?? 0)) + 1
        sequences[address] = sequence
        let reading = try! Reading(chainID: Self.chain, device: address, sequence: sequence, timeMillis: timeMillis,
                                   content: .inline(.unsigned(value)))
        return try! Signed.sign(reading, with: device).bytes
    }

    // MARK: blocks

    /// Commits a block that registers every one of ``sensors`` (owned by ``alice``).
    @discardableResult
    mutating func registerSensors() throws -> BlockCommitment {
        try commit(Self.sensors.map { tx(Self.alice, Self.registration($0)) })
    }

    /// Executes `envelopes` as the next block on the store and commits it; returns what was committed.
    /// `nextValidatorsHash` is what the header names as the next set (the genesis set by default).
    @discardableResult
    mutating func commit(_ envelopes: [[UInt8]], timeMillis: UInt64? = nil,
                         nextValidatorsHash: Hash256 = genesis.validators.hash) throws -> BlockCommitment {
        let commitment = try next(envelopes, timeMillis: timeMillis, nextValidatorsHash: nextValidatorsHash)
        try store.commitBlock(commitment)
        nonces = [:]
        return commitment
    }

    /// The next block's commitment, executed on the store but not committed.
    func next(_ envelopes: [[UInt8]], timeMillis: UInt64? = nil,
              nextValidatorsHash: Hash256 = genesis.validators.hash) throws -> BlockCommitment {
        let latest = try store.latestHeight()
        let height = latest + 1
        let time = timeMillis ?? Self.genesis.timeMillis + height * 1_000
        let execution = try executor.executeBlock(
            envelopes, context: BlockContext(height: height, timeMillis: time),
            parentRoot: try store.latestStateRoot(), state: store)
        let previous = try store.header(at: latest)
        let lastCommit = height == 1 ? nil : (try store.commit(at: latest) ?? Self.commit(for: previous!))
        let header = try BlockHeader(
            chainID: Self.chain, height: height, timeMillis: time,
            previousBlockID: previous?.blockID ?? Hash256.zero, lastCommitHash: lastCommit?.hash ?? Hash256.zero,
            transactionsRoot: execution.transactionsRoot, readingsRoot: execution.readingsRoot,
            stateRoot: execution.stateRoot, validatorsHash: Self.genesis.validators.hash,
            nextValidatorsHash: nextValidatorsHash, proposer: Self.validator.publicKey.address)
        let block = try Block(header: header, transactions: envelopes, lastCommit: lastCommit)
        return BlockCommitment(block: block, commit: commitAtOnce ? Self.commit(for: header) : nil, execution: execution)
    }

    /// A commit of `header` (signature bytes are not checked by the store).
    static func commit(for header: BlockHeader, round: UInt64 = 0) -> Commit {
        try! Commit(chainID: chain, height: header.height, round: round, blockID: header.blockID,
                    signatures: [CommitSignature(validator: validator.publicKey.address, signature: [UInt8](repeating: 7, count: 64))])
    }
}
