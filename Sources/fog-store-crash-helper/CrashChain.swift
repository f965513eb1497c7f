import FogCore
import FogCrypto
import FogExecution
import FogStore
import FogStoreSQLite
import FogTypes

/// The helper's chain: one validator, a funded account and four sensors. The same genesis as the
/// tests' `CrashChainGenesis` (Tests/FogAdaptersTests/Store/CrashSafetyTests.swift).
struct CrashChain {
    static let chain = try! ChainID("fog-store-crash")

    static func key(_ tag: UInt8) -> PrivateKey {
        try! PrivateKey(algorithm: .ed25519, seed: [tag] + (1...31).map { UInt8($0) })
    }

    static let owner = key(1)
    static let payee = key(2)
    static let validator = key(99)
    static let sensors = (10..<14).map { key(UInt8($0)) }
    /// Readings per sensor per block.
    static let readingsPerSensor = 25

    static let genesis: Genesis = {
        let validators = try! ValidatorSet([try! Validator(publicKey: validator.publicKey, power: 1)])
        return try! Genesis(chainID: chain, timeMillis: 1_700_000_000_000, consensus: .poa, validators: validators,
                            accounts: [GenesisAccount(publicKey: owner.publicKey, balance: 1_000_000_000),
                                       GenesisAccount(publicKey: payee.publicKey, balance: 0)])
    }()

    let store: SQLiteLedgerStore
    let executor = Executor(chainID: CrashChain.chain)

    /// Builds, executes and commits the next block (with its own commit); returns its height.
    func commitNextBlock() throws -> UInt64 {
        let latest = try store.latestHeight()
        let height = latest + 1
        let time = Self.genesis.timeMillis + height * 1_000
        let envelopes = try nextEnvelopes(time: time)
        let execution = try executor.executeBlock(
            envelopes, context: BlockContext(height: height, timeMillis: time),
            parentRoot: try store.latestStateRoot(), state: store)
        let previous = try store.header(at: latest)
        let lastCommit = try previous.map { try store.commit(at: $0.height) ?? Self.commit(for: $0) }
        let header = try BlockHeader(
            chainID: Self.chain, height: height, timeMillis: time,
            previousBlockID: previous?.blockID ?? Hash256.zero, lastCommitHash: lastCommit?.hash ?? Hash256.zero,
            transactionsRoot: execution.transactionsRoot, readingsRoot: execution.readingsRoot,
            stateRoot: execution.stateRoot, validatorsHash: Self.genesis.validators.hash,
            nextValidatorsHash: Self.genesis.validators.hash, proposer: Self.validator.publicKey.address)
        let block = try Block(header: header, transactions: envelopes, lastCommit: lastCommit)
        try store.commitBlock(BlockCommitment(block: block, commit: Self.commit(for: header), execution: execution))
        return height
    }

    /// Registrations while a sensor is unknown; then each sensor's next readings and a transfer.
    private func nextEnvelopes(time: UInt64) throws -> [[UInt8]] {
        var nonce = try store.account(Self.owner.publicKey.address)?.nonce ?? 0
        var envelopes: [[UInt8]] = []
        func transaction(_ body: TransactionBody) throws -> [UInt8] {
            defer { nonce += 1 }
            let tx = try body.transaction(chainID: Self.chain, signer: Self.owner.publicKey.address, nonce: nonce)
            return try Signed.sign(tx, with: Self.owner).bytes
        }
        for sensor in Self.sensors {
            guard let device = try store.device(sensor.publicKey.address) else {
                let registration = try DeviceRegistration(publicKey: sensor.publicKey, deviceType: "crash-test",
                                                          metadata: .map([]))
                envelopes.append(try transaction(.registerDevice(registration)))
                continue
            }
            let batch = try (1...UInt64(Self.readingsPerSensor)).map { offset in
                try Reading(chainID: Self.chain, device: sensor.publicKey.address, sequence: device.lastSequence + offset,
                            timeMillis: time + offset, content: .inline(.unsigned(device.lastSequence + offset)))
            }
            envelopes.append(try Signed.sign(try ReadingBatch(chainID: Self.chain, device: sensor.publicKey.address,
                                                             readings: batch), with: sensor).bytes)
        }
        envelopes.append(try transaction(.transfer(to: Self.payee.publicKey.address, amount: 1)))
        return envelopes
    }

    static func commit(for header: BlockHeader) throws -> Commit {
        try Commit(chainID: chain, height: header.height, round: 0, blockID: header.blockID,
                   signatures: [CommitSignature(validator: validator.publicKey.address,
                                                signature: [UInt8](repeating: 7, count: 64))])
    }
}
