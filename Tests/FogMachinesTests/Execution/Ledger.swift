import FogCore
import FogCrypto
import FogExecution
import FogMerkle
import FogTypes
import Testing

/// A test ledger: an in-memory state from a small genesis, an executor, and helpers that sign
/// envelopes and run blocks, applying each block's diff to the store.
struct Ledger {
    static let chain = try! ChainID("fog-exec-test")
    static let otherChain = try! ChainID("fog-exec-other")

    /// A key with a fixed seed: `tag` then 31 counting bytes.
    static func key(_ tag: UInt8, _ algorithm: SignatureAlgorithm = .ed25519) -> PrivateKey {
        try! PrivateKey(algorithm: algorithm, seed: [tag] + (1...31).map { UInt8($0) })
    }

    static let alice = key(1)
    static let bob = key(2)
    static let carol = key(3)
    static let sensor = key(10)
    static let sensorP256 = key(11, .p256)

    static func genesis(_ accounts: [(PrivateKey, UInt64)] = [(alice, 1_000), (bob, 50)]) -> Genesis {
        let validators = try! ValidatorSet([try! Validator(publicKey: key(99).publicKey, power: 1)])
        return try! Genesis(chainID: chain, timeMillis: 1_700_000_000_000, consensus: .poa, validators: validators,
                            accounts: accounts.map { GenesisAccount(publicKey: $0.0.publicKey, balance: $0.1) })
    }

    var store: InMemoryStateStore
    let executor = Executor(chainID: Ledger.chain)
    var height: UInt64 = 0
    var nonces: [Address: UInt64] = [:]

    init(genesis: Genesis = Ledger.genesis()) {
        store = try! InMemoryStateStore(genesis: genesis)
    }

    // MARK: envelopes

    /// A signed transaction from `key`'s account with its next nonce (or `nonce`).
    mutating func tx(_ key: PrivateKey, _ body: TransactionBody, nonce: UInt64? = nil, signer: Address? = nil,
                     chain: ChainID = Ledger.chain) -> [UInt8] {
        let signer = signer ?? key.publicKey.address
        let used = nonce ?? nonces[signer] ?? stateNonce(signer)
        if nonce == nil { nonces[signer] = used + 1 }
        let transaction = try! body.transaction(chainID: chain, signer: signer, nonce: used)
        return try! Signed.sign(transaction, with: key).bytes
    }

    /// A raw transaction (any kind and body) with an explicit nonce.
    static func rawTx(_ key: PrivateKey, kind: UInt64, body: CBORValue, nonce: UInt64) -> [UInt8] {
        let transaction = try! Transaction(chainID: chain, signer: key.publicKey.address, nonce: nonce,
                                           kind: TransactionKind(rawValue: kind), body: body)
        return try! Signed.sign(transaction, with: key).bytes
    }

    static func reading(_ key: PrivateKey, device: Address? = nil, seq: UInt64,
                        content: ReadingContent = .inline(.unsigned(21)), chain: ChainID = Ledger.chain) -> [UInt8] {
        let reading = try! Reading(chainID: chain, device: device ?? key.publicKey.address, sequence: seq,
                                   timeMillis: 1_700_000_000_000 + seq, content: content)
        return try! Signed.sign(reading, with: key).bytes
    }

    static func batch(_ key: PrivateKey, seqs: [UInt64]) -> [UInt8] {
        let device = key.publicKey.address
        let readings = seqs.map {
            try! Reading(chainID: chain, device: device, sequence: $0, timeMillis: 1_700_000_000_000 + $0,
                         content: .inline(.unsigned($0)))
        }
        return try! Signed.sign(try! ReadingBatch(chainID: chain, device: device, readings: readings), with: key).bytes
    }

    static func registration(_ device: PrivateKey, type: String = "thermometer",
                             metadata: CBORValue = .map([CBORMapEntry(.text("site"), .text("dock-4"))])) -> TransactionBody {
        .registerDevice(try! DeviceRegistration(publicKey: device.publicKey, deviceType: type, metadata: metadata))
    }

    // MARK: blocks

    /// Executes one block on the current state and applies its diff.
    @discardableResult
    mutating func run(_ envelopes: [[UInt8]]) throws -> BlockExecution {
        height += 1
        let result = try executor.executeBlock(
            envelopes, context: BlockContext(height: height, timeMillis: 1_700_000_000_000 + height * 1_000),
            parentRoot: store.root, state: store)
        store.apply(result.state)
        nonces = [:]
        return result
    }

    /// Runs one envelope as a block and returns its receipt code.
    mutating func code(_ envelope: [UInt8]) throws -> String {
        try run([envelope]).receipts[0].code
    }

    /// Runs envelopes as one block and returns their codes.
    mutating func codes(_ envelopes: [[UInt8]]) throws -> [String] {
        try run(envelopes).receipts.map(\.code)
    }

    /// The nonce the state expects next from `signer` (account, else device, else 0).
    func stateNonce(_ signer: Address) -> UInt64 {
        if let account = try! store.account(signer) { return account.nonce }
        return (try! store.device(signer))?.nonce ?? 0
    }

    func account(_ key: PrivateKey) throws -> AccountRecord? {
        try store.account(key.publicKey.address)
    }

    func device(_ key: PrivateKey) throws -> DeviceRecord? {
        try store.device(key.publicKey.address)
    }

    /// Alice registers `sensor`; the ledger then holds it active with lastSeq 0.
    mutating func registerSensor(_ device: PrivateKey = Ledger.sensor, owner: PrivateKey = Ledger.alice) throws {
        let code = try code(tx(owner, Ledger.registration(device)))
        #expect(code == "ok")
    }
}
