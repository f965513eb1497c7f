import Benchmark
import BenchmarkFixtures
import FogCore
import FogCrypto
import FogExecution
import FogStore
import FogStoreSQLite
import FogTypes
import Foundation

/// A dev node's block path on a real store: executing a block of single signed readings whose
/// signatures admission already verified, and committing its result to SQLite (WAL, fsynced).
/// The chain has 1,000 registered devices; each block carries one reading of `readingsPerBlock` of
/// them, the next ones in turn, as a fleet reporting at the same pace does.
let benchmarks: @Sendable () -> Void = {
    FogBenchmark.configure(seconds: 3)
    let readingsPerBlock = 100
    // One sample is one block; what it needs is made before its measurement starts. The commit's
    // time varies with the fsync and with the WAL checkpoints (p99 several times the median).
    let perBlock = Benchmark.Configuration(metrics: FogBenchmark.metrics, warmupIterations: 10, scalingFactor: .one,
                                           maxDuration: .seconds(3), thresholds: FogBenchmark.thresholds(timePercent: 200))

    let executing = try! LedgerChain()
    Benchmark("Block-execute-\(readingsPerBlock)-readings", configuration: perBlock) { benchmark in
        let envelopes = try executing.preparedReadings(readingsPerBlock)
        benchmark.startMeasurement()
        blackHole(try executing.execute(envelopes))
        benchmark.stopMeasurement()
    }

    let committing = try! LedgerChain()
    Benchmark("SQLiteLedgerStore-commit-\(readingsPerBlock)-readings", configuration: perBlock) { benchmark in
        let commitment = try committing.commitment(for: try committing.execute(try committing.preparedReadings(readingsPerBlock)))
        benchmark.startMeasurement()
        try committing.store.commitBlock(commitment)
        benchmark.stopMeasurement()
    }

    // Lookups by transaction id on a store of 1,000 blocks of 32 readings, whose ids sit in merged
    // runs of levels 0–3 (docs/architecture.md, "Storage"): a committed id, and an absent one (what
    // a status request for a pending or unknown transaction asks). One sample is 1,000 lookups.
    let perLookups = Benchmark.Configuration(metrics: FogBenchmark.metrics, warmupIterations: 2, scalingFactor: .kilo,
                                             maxDuration: .seconds(3), thresholds: FogBenchmark.thresholds(timePercent: 100))
    let looking = try! LedgerChain()
    let committedIDs = try! looking.commitBlocks(1_000, readingsPerBlock: 32)
    let absentIDs = (0..<1_000).map { SHA256Hasher.hash(Array("absent \($0)".utf8)) }
    Benchmark("SQLiteLedgerStore-receipts-by-transaction-id-committed", configuration: perLookups) { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(try looking.store.receipts(transactionID: committedIDs[index * 31 % committedIDs.count]))
        }
    }
    Benchmark("SQLiteLedgerStore-receipts-by-transaction-id-absent", configuration: perLookups) { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(try looking.store.receipts(transactionID: absentIDs[index % absentIDs.count]))
        }
    }

    // A device's readings on a store where it has 100,000 (1,000 blocks of 100), in the readings'
    // merged runs: by sequence number (what the proof endpoint and gateway attestation ask; one
    // sample is 1,000 lookups), and a page of 100 by time from a cursor (one sample is one page).
    let busy = try! LedgerChain(deviceCount: 1)
    _ = try! busy.commitBlocks(1_000, readingsPerBlock: 100)
    let busyDevice = busy.devices[0].publicKey.address
    Benchmark("SQLiteLedgerStore-reading-by-sequence-of-100k", configuration: perLookups) { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(try busy.store.reading(device: busyDevice, sequence: UInt64(index * 7_919 % 100_000 + 1)))
        }
    }
    let perPage = Benchmark.Configuration(metrics: FogBenchmark.metrics, warmupIterations: 10, scalingFactor: .one,
                                          maxDuration: .seconds(3), thresholds: FogBenchmark.thresholds(timePercent: 100))
    var pageStart = 0
    Benchmark("SQLiteLedgerStore-readings-page-100-of-100k", configuration: perPage) { benchmark in
        // A cursor inside a block's readings (they share its time), a different block each sample.
        pageStart = (pageStart + 367) % 99_000
        let sequence = UInt64(pageStart + 50)
        let cursor = ReadingCursor(timeMillis: busy.genesis.timeMillis + ((sequence - 1) / 100 + 2) * 1_000, sequence: sequence)
        benchmark.startMeasurement()
        let page = try busy.store.readings(device: busyDevice, timeMillis: 0..<UInt64.max, after: cursor, limit: 100)
        benchmark.stopMeasurement()
        precondition(page.readings.count == 100)
    }
}

/// A one-validator chain on a SQLite store in a temporary folder, with its devices registered.
final class LedgerChain {
    static let chainID = try! ChainID("fog-bench-ledger")
    static let owner = key(1)
    static let validator = key(2)

    let folder: String
    let store: SQLiteLedgerStore
    let executor = Executor(chainID: LedgerChain.chainID)
    let genesis: Genesis
    let devices: [PrivateKey]
    private var sequences: [UInt64]
    private var nextDevice = 0
    private var height: UInt64 = 0

    static func key(_ tag: UInt32) -> PrivateKey {
        var generator = BenchmarkGenerator(seed: 0x1ED6_0000 + UInt64(tag))
        return PrivateKey.generate(.ed25519, using: &generator)
    }

    /// Creates the store and commits block 1, which registers `deviceCount` devices.
    init(deviceCount: Int = 1_000) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("fog-bench-ledger-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let validators = try ValidatorSet([try Validator(publicKey: Self.validator.publicKey, power: 1)])
        genesis = try Genesis(chainID: Self.chainID, timeMillis: 1_700_000_000_000, consensus: .poa, validators: validators,
                              accounts: [GenesisAccount(publicKey: Self.owner.publicKey, balance: 1_000_000_000)])
        store = try SQLiteLedgerStore(path: "\(folder)/ledger.sqlite", genesis: genesis)
        devices = (0..<UInt32(deviceCount)).map { Self.key(1_000 + $0) }
        sequences = Array(repeating: 0, count: deviceCount)
        let registrations = try devices.enumerated().map { nonce, device in
            let registration = try DeviceRegistration(publicKey: device.publicKey, deviceType: "bench-sensor", metadata: .map([]))
            let transaction = try TransactionBody.registerDevice(registration)
                .transaction(chainID: Self.chainID, signer: Self.owner.publicKey.address, nonce: UInt64(nonce))
            return try Signed.sign(transaction, with: Self.owner).bytes
        }
        try store.commitBlock(try commitment(for: try execute(executor.prepareAll(registrations, signerKey: { _ in nil }))))
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// The next `count` readings, one per device in turn, signed and verified as admission does.
    func preparedReadings(_ count: Int) throws -> [PreparedEnvelope] {
        let time = genesis.timeMillis + (height + 1) * 1_000
        let envelopes = try (0..<count).map { _ in
            let index = nextDevice
            nextDevice = (nextDevice + 1) % devices.count
            sequences[index] += 1
            let reading = try Reading(chainID: Self.chainID, device: devices[index].publicKey.address,
                                      sequence: sequences[index], timeMillis: time,
                                      content: .inline(.map([CBORMapEntry(.text("t"), .float(4.5)),
                                                             CBORMapEntry(.text("rh"), .unsigned(61))])))
            return try Signed.sign(reading, with: devices[index]).bytes
        }
        let keys = Dictionary(uniqueKeysWithValues: devices.map { ($0.publicKey.address, $0.publicKey) })
        return executor.prepareAll(envelopes, signerKey: { keys[$0] })
    }

    /// Commits `count` blocks of `readingsPerBlock` readings each; returns their transaction ids.
    func commitBlocks(_ count: Int, readingsPerBlock: Int) throws -> [Hash256] {
        var ids: [Hash256] = []
        for _ in 0..<count {
            let prepared = try preparedReadings(readingsPerBlock)
            try store.commitBlock(try commitment(for: try execute(prepared)))
            ids += prepared.map { SignedEnvelope.transactionID(of: $0.bytes) }
        }
        return ids
    }

    /// Executes `envelopes` as the next block on the store's latest state.
    func execute(_ envelopes: [PreparedEnvelope]) throws -> (envelopes: [PreparedEnvelope], execution: BlockExecution) {
        let next = try store.latestHeight() + 1
        let execution = try executor.executeBlock(
            prepared: envelopes, context: BlockContext(height: next, timeMillis: genesis.timeMillis + next * 1_000),
            parentRoot: try store.latestStateRoot(), state: store)
        return (envelopes, execution)
    }

    /// The block, commit and execution result of an executed next block, ready to commit.
    func commitment(for executed: (envelopes: [PreparedEnvelope], execution: BlockExecution)) throws -> BlockCommitment {
        let latest = try store.latestHeight()
        height = latest + 1
        let previous = try store.header(at: latest)
        let lastCommit = try store.commit(at: latest)
        let execution = executed.execution
        let header = try BlockHeader(
            chainID: Self.chainID, height: height, timeMillis: genesis.timeMillis + height * 1_000,
            previousBlockID: previous?.blockID ?? .zero, lastCommitHash: lastCommit?.hash ?? .zero,
            transactionsRoot: execution.transactionsRoot, readingsRoot: execution.readingsRoot,
            stateRoot: execution.stateRoot, validatorsHash: execution.validators.hash,
            nextValidatorsHash: execution.nextValidators.hash, proposer: Self.validator.publicKey.address)
        let block = try Block(header: header, transactions: executed.envelopes.map(\.bytes), lastCommit: lastCommit)
        let precommit = try Signed.sign(
            try Vote(chainID: Self.chainID, step: .precommit, height: height, round: 0, blockID: header.blockID,
                     validator: Self.validator.publicKey.address),
            with: Self.validator)
        return BlockCommitment(block: block, commit: try Commit(precommits: [precommit]), execution: execution)
    }
}
