import FogCore
import FogCrypto
import FogExecution
import FogNode
import FogStore
import FogTypes
import Logging
import Synchronization

/// A dev node on an in-memory store with fixed keys, and helpers that sign envelopes for it.
struct DevChain {
    static let chainID = try! ChainID("fogledger-dev")
    static let genesisTime: UInt64 = 1_767_225_600_000

    static func key(_ tag: UInt8) -> PrivateKey {
        try! PrivateKey(algorithm: .ed25519, seed: [tag] + (1...31).map { UInt8($0) })
    }

    static let validator = key(90)
    static let operatorKey = key(91)
    static let sensor = key(10)
    static let stranger = key(11)

    let genesis: Genesis
    let store: InMemoryLedgerStore
    let node: DevNode

    init(limits: MempoolLimits = MempoolLimits(), minBlockInterval: Duration = .milliseconds(10),
         logger: Logger = Logger(label: "test")) throws {
        genesis = try DevGenesis.make(chainID: Self.chainID, timeMillis: Self.genesisTime,
                                      validator: Self.validator.publicKey, operatorKey: Self.operatorKey.publicKey)
        store = try InMemoryLedgerStore(genesis: genesis)
        let clock = TestClock()
        node = try DevNode(genesis: genesis, validatorKey: Self.validator, store: store,
                           configuration: DevNodeConfiguration(minBlockInterval: minBlockInterval, mempool: limits), logger: logger,
                           now: { clock.tick() })
    }

    /// The operator's transaction with `nonce`.
    static func transaction(_ body: TransactionBody, nonce: UInt64, key: PrivateKey = operatorKey,
                            chain: ChainID = chainID) -> [UInt8] {
        let transaction = try! body.transaction(chainID: chain, signer: key.publicKey.address, nonce: nonce)
        return try! Signed.sign(transaction, with: key).bytes
    }

    /// The operator registers `device`.
    static func registration(_ device: PrivateKey = sensor, nonce: UInt64 = 0) -> [UInt8] {
        transaction(.registerDevice(try! DeviceRegistration(publicKey: device.publicKey, deviceType: "thermometer",
                                                           metadata: .map([]))), nonce: nonce)
    }

    /// A reading of `device` with sequence number `seq`.
    static func reading(_ device: PrivateKey = sensor, seq: UInt64, chain: ChainID = chainID, value: UInt64? = nil) -> [UInt8] {
        let reading = try! Reading(chainID: chain, device: device.publicKey.address, sequence: seq,
                                   timeMillis: genesisTime + seq, content: .inline(.unsigned(value ?? seq)))
        return try! Signed.sign(reading, with: device).bytes
    }

    /// A batch of readings of `device`.
    static func batch(_ device: PrivateKey = sensor, seqs: [UInt64]) -> [UInt8] {
        let address = device.publicKey.address
        let readings = seqs.map {
            try! Reading(chainID: chainID, device: address, sequence: $0, timeMillis: genesisTime + $0,
                         content: .inline(.unsigned($0)))
        }
        return try! Signed.sign(try! ReadingBatch(chainID: chainID, device: address, readings: readings), with: device).bytes
    }

    /// Why the node refuses `envelope`, or `nil` when it admits it.
    func refusal(_ envelope: [UInt8]) async -> SubmissionError? {
        do {
            _ = try await node.submit(envelope)
            return nil
        } catch {
            return error
        }
    }
}

/// A deterministic block clock: one second per call.
final class TestClock: Sendable {
    private let state = Mutex(DevChain.genesisTime)
    func tick() -> UInt64 {
        state.withLock { time in
            time += 1_000
            return time
        }
    }
}
