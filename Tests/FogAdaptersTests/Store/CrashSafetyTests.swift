import FogCore
import FogCrypto
import FogExecution
import FogMerkle
import FogStore
import FogStoreSQLite
import FogTestKit
import FogTestSupport
import FogTypes
import Foundation
import Testing

/// The genesis of `fog-store-crash-helper`'s chain (Sources/fog-store-crash-helper/CrashChain.swift).
enum CrashChainGenesis {
    static let chain = try! ChainID("fog-store-crash")

    static func key(_ tag: UInt8) -> PrivateKey {
        try! PrivateKey(algorithm: .ed25519, seed: [tag] + (1...31).map { UInt8($0) })
    }

    static let genesis: Genesis = {
        let validators = try! ValidatorSet([try! Validator(publicKey: key(99).publicKey, power: 1)])
        return try! Genesis(chainID: chain, timeMillis: 1_700_000_000_000, consensus: .poa, validators: validators,
                            accounts: [GenesisAccount(publicKey: key(1).publicKey, balance: 1_000_000_000),
                                       GenesisAccount(publicKey: key(2).publicKey, balance: 0)])
    }()
}

@Suite("SQLite store crash safety", .heavy)
struct CrashSafetyTests {
    /// A child process commits blocks in a loop and is killed with SIGKILL at a random moment, several
    /// times on the same database; after each kill the reopened store holds at least every block the
    /// child reported, with the state root it reported, and every stored block replays to its header.
    @Test func killedWriterLosesNothingCommitted() async throws {
        let helper = try #require(HelperBinary.url, "fog-store-crash-helper not found next to the test binary")
        let directory = try TemporaryDirectory()
        let path = directory.path("crash.sqlite")
        let seed = UInt64(Date().timeIntervalSince1970 * 1_000)
        var random = SeededGenerator(seed: seed)
        var reportedSoFar: UInt64 = 0
        for round in 0..<4 {
            let waitFor = Int.random(in: 2...12, using: &random)
            let extraDelay = UInt32.random(in: 0...30_000, using: &random)
            // The run blocks its thread while the child works: keep it off the cooperative pool.
            let reports = try await onOwnThread {
                try Self.runAndKill(helper, path: path, afterLines: waitFor, extraDelayMicros: extraDelay)
            }
            let last = try #require(reports.last, "round \(round): the child reported nothing")
            #expect(last.height > reportedSoFar, "round \(round) (seed \(seed)): the child made progress")
            reportedSoFar = last.height

            let store = try SQLiteLedgerStore(path: path, genesis: CrashChainGenesis.genesis, retainedVersions: 8)
            let latest = try store.latestHeight()
            #expect(latest >= last.height, "round \(round) (seed \(seed)): lost reported block \(last.height), store at \(latest)")
            for report in reports {
                #expect(try store.stateRoot(at: report.height) == report.root, "round \(round), height \(report.height)")
            }
            try store.verifyIntegrity()
            try Self.checkIntact(store, through: latest)
            reportedSoFar = latest
        }
    }

    /// Replays every stored block on an in-memory state: each header's state root, the stored
    /// receipts, the reading index and the latest records agree with the replay.
    static func checkIntact(_ store: SQLiteLedgerStore, through latest: UInt64) throws {
        let executor = Executor(chainID: CrashChainGenesis.chain)
        var replay = try InMemoryStateStore(genesis: CrashChainGenesis.genesis)
        var previousID: Hash256?
        var readingsPerDevice: [Address: Int] = [:]
        for height in 1...max(latest, 1) where latest > 0 {
            let block = try #require(try store.block(at: height), "block \(height) missing")
            #expect(block.header.height == height)
            if let previousID { #expect(block.header.previousBlockID == previousID) }
            previousID = block.header.blockID
            #expect(try store.commit(at: height)?.blockID == block.header.blockID)
            let execution = try executor.executeBlock(
                block.transactions, context: BlockContext(height: height, timeMillis: block.header.timeMillis),
                parentRoot: replay.root, state: replay)
            replay.apply(execution.state)
            #expect(execution.stateRoot == block.header.stateRoot, "height \(height)")
            #expect(execution.readingsRoot == block.header.readingsRoot)
            for (index, receipt) in execution.receipts.enumerated() {
                #expect(receipt.isOK)
                let stored = try store.receipts(transactionID: receipt.transactionID)
                #expect(stored == [StoredReceipt(receipt: receipt, location: TransactionLocation(height: height, index: UInt32(index)))])
            }
            for reading in execution.readings { readingsPerDevice[reading.device, default: 0] += 1 }
        }
        #expect(try store.latestStateRoot() == replay.root)
        for change in replay.allRecords() {
            #expect(try store.record(change.key) == change.record)
        }
        for (device, count) in readingsPerDevice {
            var seen = 0
            var cursor: ReadingCursor?
            repeat {
                let page = try store.readings(device: device, timeMillis: 0..<UInt64.max, after: cursor,
                                              limit: StoreLimits.maxReadingsPage)
                seen += page.readings.count
                cursor = page.next
            } while cursor != nil
            #expect(seen == count, "device \(device)")
        }
    }

    struct Report { let height: UInt64; let root: Hash256 }

    /// Starts the helper, waits for `afterLines` reports (at most 60 s), sleeps a little more, kills
    /// it with SIGKILL and returns every complete report line.
    static func runAndKill(_ helper: URL, path: String, afterLines: Int, extraDelayMicros: UInt32) throws -> [Report] {
        let process = Process()
        process.executableURL = helper
        process.arguments = [path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while text.filter({ $0 == "\n" }).count < afterLines, Date() < deadline {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }   // the child exited
            text += String(decoding: data, as: UTF8.self)
        }
        usleep(extraDelayMicros)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the child exited on its own: \(process.terminationStatus)")
        text += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // Only whole lines count: the kill may cut the last one.
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let height = UInt64(parts[0]), let root = Hash256(hex: parts[1]) else { return nil }
            return Report(height: height, root: root)
        }
    }
}

/// The built `fog-store-crash-helper`, found next to the running test binary.
enum HelperBinary {
    static let url: URL? = BuiltProduct.url("fog-store-crash-helper")
}
