import FogCrypto
import FogStore
@testable import FogStoreSQLite
import FogTypes
import Foundation
import GRDB
import Testing

/// The SQLite store's readings: appended by (height, position) and found by device through sorted
/// runs (by time and sequence number, and by sequence number alone), while the runs merge, after a
/// reopen, and in a store migrated from schema 5.
@Suite("SQLite store: readings in merged runs")
struct ReadingRunsTests {
    static let device = StoreChain.sensors[0].publicKey.address

    @Test func timeBoundsHoldExactlyTheRangeAfterTheCursor() {
        func entry(_ device: Address, _ time: UInt64, _ sequence: UInt64, height: UInt64 = 5) -> [UInt8] {
            ReadingRunEntries.entry(.byTime, device, time, sequence, height: height, position: 3)
        }
        let other = StoreChain.sensors[1].publicKey.address
        let flat = RunEntries.sorted([
            entry(Self.device, 9, 1), entry(Self.device, 10, 2), entry(Self.device, 10, 3, height: 1),
            entry(Self.device, 11, 4), entry(Self.device, 20, 5), entry(Self.device, .max, 6), entry(other, 10, 1),
            ReadingRunEntries.entry(.bySequence, Self.device, 2, 0, height: 5, position: 3),
        ])
        func sequences(_ range: Range<UInt64>, after cursor: ReadingCursor? = nil) -> [UInt64] {
            let (lower, upper) = ReadingRunEntries.timeBounds(Self.device, range, after: cursor)
            return RunEntries.entries(of: flat, size: ReadingRunEntries.size, from: lower, before: upper)
                .map { SQLiteSchema.bigEndian($0[$0.startIndex + 29..<$0.startIndex + 37]) }
        }
        #expect(sequences(10..<20) == [2, 3, 4])
        #expect(sequences(0..<UInt64.max) == [1, 2, 3, 4, 5])
        #expect(sequences(10..<20, after: ReadingCursor(timeMillis: 10, sequence: 2)) == [3, 4])
        #expect(sequences(10..<20, after: ReadingCursor(timeMillis: 10, sequence: .max)) == [4])
        #expect(sequences(10..<20, after: ReadingCursor(timeMillis: 5, sequence: 9)) == [2, 3, 4], "a cursor before the range")
        #expect(sequences(12..<12).isEmpty)

        let (lower, upper) = ReadingRunEntries.sequenceBounds(Self.device, 2)
        let bySequence = RunEntries.entries(of: flat, size: ReadingRunEntries.size, from: lower, before: upper)
        #expect(bySequence.count == 1 && ReadingRunEntries.location(bySequence[0]) == (5, 3))
    }

    /// What was committed: each reading with its height and position.
    static func commitReadings(_ chain: inout StoreChain, blocks: Int, from start: Int) throws -> [StoredReading] {
        var committed: [StoredReading] = []
        for block in start..<(start + blocks) {
            // Devices' clocks are their own: times go back now and then, and repeat.
            let envelopes = (0..<(block % 5 * 6 + 3)).map { index in
                chain.reading(StoreChain.sensors[(block + index) % StoreChain.sensors.count],
                              timeMillis: 1_700_000_000_000 + UInt64((block * 37 + index * 11) % 400))
            }
            let commitment = try chain.commit(envelopes)
            committed += commitment.readings.enumerated().map {
                StoredReading(reading: $1, height: commitment.block.header.height, index: UInt32($0))
            }
        }
        return committed
    }

    /// Checks every device's pages, a few time ranges, and each reading by sequence number.
    static func expectFound(_ committed: [StoredReading], in store: SQLiteLedgerStore) throws {
        for sensor in StoreChain.sensors {
            let device = sensor.publicKey.address
            let mine = committed.filter { $0.reading.device == device }
                .sorted { ($0.reading.timeMillis, $0.reading.sequence) < ($1.reading.timeMillis, $1.reading.sequence) }
            for range in [0..<UInt64.max, 1_700_000_000_100..<1_700_000_000_250] {
                let paged = try ReadingPaginationTests.all(store, device, range, limit: 7)
                #expect(paged == mine.filter { range.contains($0.reading.timeMillis) }, "\(device) in \(range)")
            }
            let largest = try store.readings(device: device, timeMillis: 0..<UInt64.max, after: nil, limit: StoreLimits.maxReadingsPage)
            #expect(largest.readings == Array(mine.prefix(StoreLimits.maxReadingsPage)))
            for stored in mine {
                #expect(try store.reading(device: device, sequence: stored.reading.sequence) == stored)
            }
            #expect(try store.reading(device: device, sequence: UInt64(mine.count + 1)) == nil)
        }
    }

    @Test func everyReadingIsFoundWhileRunsMergeAndAfterAReopen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let limits = SortedRunLimits(fanout: 2, stepChunks: 1)
        var committed: [StoredReading] = []
        do {
            let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis, indexRuns: limits)
            var chain = StoreChain(store: store)
            try chain.registerSensors()
            committed = try Self.commitReadings(&chain, blocks: 40, from: 0)
            try Self.expectFound(committed, in: store)
            try store.verifyIntegrity()
        }
        let (live, _, _, written) = try TransactionRunsTests.runs(path, .readings)
        #expect(live.keys.max() ?? 0 >= 3, "runs were merged up several levels: \(live)")
        #expect(written > 0, "a merge is under way with part of its output written")

        let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis, indexRuns: limits)
        var chain = StoreChain(store: store)
        committed += try Self.commitReadings(&chain, blocks: 15, from: 40)
        try Self.expectFound(committed, in: store)
        for _ in 0..<100 { _ = try chain.commit([]) }
        try Self.expectFound(committed, in: store)
        try store.verifyIntegrity()
        let after = try TransactionRunsTests.runs(path, .readings)
        #expect(after.building == 0 && after.dead == 0, "empty blocks finished every merge: \(after)")
    }

    @Test func aSchemaFiveStoreGetsItsReadingsAsOneFilteredRun() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        var committed: [StoredReading] = []
        do {
            var chain = StoreChain(store: try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis))
            try chain.registerSensors()
            committed = try Self.commitReadings(&chain, blocks: 12, from: 0)
            // One device with more by-time entries in the migrated run than a lookup reads at once.
            for block in 0..<7 {
                let envelopes = (0..<100).map { index in
                    chain.reading(StoreChain.sensors[0], timeMillis: 1_700_000_000_000 + UInt64((block * 100 + index) * 7 % 400))
                }
                let commitment = try chain.commit(envelopes)
                committed += commitment.readings.enumerated().map {
                    StoredReading(reading: $1, height: commitment.block.header.height, index: UInt32($0))
                }
            }
            #expect(committed.count(where: { $0.reading.device == Self.device }) > SortedRuns.lookupChunks * RunLayout.readings.perChunk)
        }
        let queue = try DatabaseQueue(path: path)
        try queue.write(SchemaDowngrade.readingsToSchemaFive)
        try queue.close()

        let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis)
        #expect(try Self.runs(path).live == [1: 1], "20 blocks: one run at level 1")
        let (unfiltered, columns, version) = try DatabaseQueue(path: path).read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reading_runs WHERE id_filter IS NULL") ?? -1,
             try db.columns(in: "readings").map(\.name),
             try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0)
        }
        #expect(unfiltered == 0, "the migrated run has its filter")
        #expect(columns == ["id", "reading"] && version == SQLiteSchema.schemaVersion)
        try Self.expectFound(committed, in: store)
        var chain = StoreChain(store: store)
        committed += try Self.commitReadings(&chain, blocks: 3, from: 12)
        try Self.expectFound(committed, in: store)
        try store.verifyIntegrity()
    }

    static func runs(_ path: String) throws -> (live: [Int: Int], building: Int, dead: Int, written: Int) {
        try TransactionRunsTests.runs(path, .readings)
    }

    @Test func aReadingTheIndexDoesNotMatchIsReportedAsCorruption() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        do {
            var chain = StoreChain(store: try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis))
            try chain.registerSensors()
            _ = try Self.commitReadings(&chain, blocks: 3, from: 1)
        }
        // Two readings' rows swapped (block 2's first two, of sensors 1 and 2): each row sits where
        // the index names the other.
        let queue = try DatabaseQueue(path: path)
        try queue.write { try BlockRowIDTests.swapFirstTwoRows("reading", of: "readings", height: 2, $0) }
        try queue.close()
        let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis)
        #expect { try store.readings(device: StoreChain.sensors[1].publicKey.address, timeMillis: 0..<UInt64.max,
                                     after: nil, limit: 100) } throws: { ($0 as? StoreError)?.code == .corrupt }
        // A reading without its entries.
        try DatabaseQueue(path: path).write { db in
            let row = BlockRowID(height: 3, position: 0)!.value
            try db.execute(sql: "INSERT INTO readings SELECT id + 100, reading FROM readings WHERE id = \(row)")
        }
        #expect { try store.verifyIntegrity() } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .corrupt && error.message.contains("entries in the readings' live runs")
        }
    }
}
