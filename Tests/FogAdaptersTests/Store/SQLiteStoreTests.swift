import FogCrypto
import FogExecution
import FogStore
import FogStoreSQLite
import FogTypes
import Foundation
import GRDB
import Testing

@Suite("SQLite store")
struct SQLiteStoreTests {
    static func open(_ path: String, genesis: Genesis = StoreChain.genesis) throws -> SQLiteLedgerStore {
        try SQLiteLedgerStore(path: path, genesis: genesis)
    }

    @Test func writerIsDurableWAL() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.open(directory.path("ledger.sqlite"))
        #expect(try store.journalMode() == "wal")
        // 2 = FULL: the WAL is fsynced at every commit (GRDB's pool would leave NORMAL = 1).
        #expect(try store.writerSynchronousMode() == 2)
        var chain = StoreChain(store: store)
        try chain.commit([])
        #expect(try store.writerSynchronousMode() == 2)
    }

    @Test func aNewStoreHasPagesOfTwoKiB() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        do {
            let store = try Self.open(path)
            #expect(try store.pageSize() == 2_048)
        }
        #expect(try Self.open(path).pageSize() == 2_048)
    }

    @Test func reopeningKeepsTheChainAndContinues() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let sensor = StoreChain.sensors[0]
        var committed: [BlockCommitment] = []
        do {
            let store = try Self.open(path)
            var chain = StoreChain(store: store)
            committed.append(try chain.commit([chain.tx(StoreChain.alice, StoreChain.registration(sensor))]))
            committed.append(try chain.commit((0..<4).map { chain.reading(sensor, timeMillis: 1_700_000_400_000 + $0) }))
        }
        let store = try Self.open(path)
        #expect(try store.latestHeight() == 2)
        for commitment in committed {
            #expect(try store.block(at: commitment.block.header.height) == commitment.block)
            #expect(try store.header(at: commitment.block.header.height) == commitment.block.header)
            #expect(try store.commit(at: commitment.block.header.height) == commitment.commit)
        }
        #expect(try store.latestStateRoot() == committed[1].block.header.stateRoot)
        #expect(try store.device(sensor.publicKey.address)?.lastSequence == 4)
        var chain = StoreChain(store: store)
        _ = chain.reading(sensor, timeMillis: 0)   // sequences 1...4 are used
        _ = chain.reading(sensor, timeMillis: 0)
        _ = chain.reading(sensor, timeMillis: 0)
        _ = chain.reading(sensor, timeMillis: 0)
        let third = try chain.commit([chain.reading(sensor, timeMillis: 1_700_000_400_010)])
        #expect(third.receipts.map(\.code) == ["ok"])
        #expect(try store.latestHeight() == 3)
        try store.verifyIntegrity()
    }

    @Test func aSchemaFourStoreFindsItsValidatorSetChangesInItsHeaders() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let another = SHA256Hasher.hash(Array("another validator set".utf8))
        do {
            var chain = StoreChain(store: try Self.open(path))
            for height in 1...4 {
                try chain.commit([], nextValidatorsHash: height == 3 ? another : StoreChain.genesis.validators.hash)
            }
        }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try SchemaDowngrade.readingsToSchemaFive(db)
            try db.execute(sql: """
                DROP TABLE validator_set_changes;
                DELETE FROM grdb_migrations WHERE identifier = 'v5-validator-set-changes';
                UPDATE metadata SET value = CAST('4' AS BLOB) WHERE name = 'schema_version';
                PRAGMA user_version = 4;
                """)
        }
        try queue.close()
        let store = try Self.open(path)
        #expect(try store.validatorSetChangeHeights(below: 5) == [3])
        try store.verifyIntegrity()
    }

    @Test func anEmptyFileIsMigrated() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let store = try Self.open(path)
        #expect(try store.latestHeight() == 0)
        #expect(try store.latestStateRoot() == GenesisState.root(StoreChain.genesis))
    }

    @Test func aFileThatIsNotSQLiteIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("garbage.sqlite")
        let garbage = Data((0..<8_192).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
        #expect(FileManager.default.createFile(atPath: path, contents: garbage))
        #expect { try Self.open(path) } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .notALedgerStore && error.message.contains("not an SQLite database")
        }
        // The file is left as it was.
        #expect(FileManager.default.contents(atPath: path) == garbage)
    }

    @Test func aCorruptSQLiteFileIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("corrupt.sqlite")
        // The SQLite magic, then garbage: SQLite itself finds it is not a database.
        var bytes = Array("SQLite format 3\0".utf8)
        bytes += (0..<4_080).map { UInt8(truncatingIfNeeded: $0 &* 101 &+ 3) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        #expect { try Self.open(path) } throws: { ($0 as? StoreError)?.code == .notALedgerStore }
    }

    @Test func anotherApplicationsDatabaseIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("other.sqlite")
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
            db.execute("INSERT INTO users (name) VALUES ('ada')")
            db.commit()
            """, path]
        try python.run()
        python.waitUntilExit()
        try #require(python.terminationStatus == 0)
        let before = try #require(FileManager.default.contents(atPath: path))
        #expect { try Self.open(path) } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .notALedgerStore && error.message.contains("users")
        }
        // Left as it was (not switched to WAL, no tables added).
        #expect(FileManager.default.contents(atPath: path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func anotherChainsStoreIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        _ = try Self.open(path)
        let validators = StoreChain.genesis.validators
        let other = try Genesis(chainID: try ChainID("fog-store-other"), timeMillis: 1, consensus: .poa,
                                validators: validators, accounts: [])
        #expect { try Self.open(path, genesis: other) } throws: { ($0 as? StoreError)?.code == .genesisMismatch }
        #expect(try Self.open(path).metadata.chainID == StoreChain.chain)
    }

    /// Commit latency of one block of 1,000 readings (execution excluded); printed, not asserted.
    @Test func commitLatencyOfAThousandReadings() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.open(directory.path("ledger.sqlite"))
        var chain = StoreChain(store: store)
        try chain.registerSensors()
        var samples: [Duration] = []
        for block in 0..<5 {
            let envelopes = (0..<1_000).map { index in
                chain.reading(StoreChain.sensors[index % 4], timeMillis: 1_700_001_000_000 + UInt64(block * 1_000 + index))
            }
            let commitment = try chain.next(envelopes)
            #expect(commitment.readings.count == 1_000)
            let clock = ContinuousClock()
            samples.append(try clock.measure { try store.commitBlock(commitment) })
        }
        let sorted = samples.sorted()
        print("FogStoreSQLite commit of one block with 1,000 readings (debug build): median \(sorted[2]), min \(sorted[0]), max \(sorted[4])")
        // An empty block: mostly the fsync of the WAL.
        var empty: [Duration] = []
        for _ in 0..<5 {
            let commitment = try chain.next([])
            empty.append(try ContinuousClock().measure { try store.commitBlock(commitment) })
        }
        print("FogStoreSQLite commit of an empty block (debug build): median \(empty.sorted()[2])")
        #expect(try store.latestHeight() == 11)
    }
}
