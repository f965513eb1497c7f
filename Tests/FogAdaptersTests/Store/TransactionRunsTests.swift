import FogCrypto
import FogExecution
import FogStore
@testable import FogStoreSQLite
import FogTypes
import GRDB
import Testing

/// The SQLite store's transaction-id index as sorted runs merged a step per block: the merge itself,
/// the runs' id filters, lookups while merges are under way, after a reopen, and for a store migrated
/// from schema 2.
@Suite("SQLite store: transaction ids in merged runs")
struct TransactionRunsTests {
    static func id(_ tag: Int) -> Hash256 { SHA256Hasher.hash(Array("tx \(tag)".utf8)) }

    static func run(_ entries: [(Int, UInt64)]) -> [UInt8] {
        entries.map { TransactionRunEntries.entry(id($0.0), at: TransactionLocation(height: $0.1, index: 0)) }
            .sorted { $0.lexicographicallyPrecedes($1) }.flatMap { $0 }
    }

    @Test func aMergeTakesTheSmallestEntriesInStepsAndWaitsForAnInputItHasNotRead() {
        let first = Self.run((0..<20).map { ($0, 1) })
        let second = Self.run((20..<30).map { ($0, 2) })
        let all = Self.run((0..<20).map { ($0, 1) } + (20..<30).map { ($0, 2) })
        var merged: [UInt8] = []
        var resume: [UInt8]?
        var steps = 0
        var finished = false
        while !finished {
            var inputs = [first, second].map { RunEntries.MergeInput(flat: $0, size: TransactionRunEntries.size, after: resume, isComplete: true) }
            var step: [UInt8] = []
            #expect(RunEntries.merge(&inputs, into: &step, limit: 7) == nil)
            #expect(step.count <= 7 * TransactionRunEntries.size)
            merged += step
            resume = step.isEmpty ? resume : Array(step.suffix(TransactionRunEntries.size))
            finished = RunEntries.isFinished(inputs)
            steps += 1
        }
        #expect(merged == all)
        #expect(steps == 5)

        // An input read in part stops the merge once it has nothing left in hand, and goes on when
        // its next entries are added.
        let split = 2 * TransactionRunEntries.size
        var inputs = [RunEntries.MergeInput(flat: Array(first.prefix(split)), size: TransactionRunEntries.size, after: nil, isComplete: false),
                      RunEntries.MergeInput(flat: second, size: TransactionRunEntries.size, after: nil, isComplete: true)]
        var step: [UInt8] = []
        #expect(RunEntries.merge(&inputs, into: &step, limit: 100) == 0)
        #expect(inputs[0].lastRead == Array(first[TransactionRunEntries.size..<split]))
        #expect(step.count >= split && step.count < all.count)
        inputs[0].append(Array(first.dropFirst(split)), isComplete: true)
        #expect(RunEntries.merge(&inputs, into: &step, limit: 100) == nil)
        #expect(step == all && RunEntries.isFinished(inputs))
    }

    @Test func anEntrySortsByIDThenHeightThenPosition() {
        let id = Self.id(1)
        let early = TransactionRunEntries.entry(id, at: TransactionLocation(height: 2, index: 300))
        let late = TransactionRunEntries.entry(id, at: TransactionLocation(height: 256, index: 0))
        #expect(early.lexicographicallyPrecedes(late))
        #expect(TransactionRunEntries.location(late[...]) == TransactionLocation(height: 256, index: 0))
        let (lower, upper) = TransactionRunEntries.bounds(of: id)
        #expect(lower.lexicographicallyPrecedes(early) && late.lexicographicallyPrecedes(upper))
        let other = TransactionRunEntries.entry(Self.id(2), at: TransactionLocation(height: 3, index: 0))
        let flat = RunEntries.sorted([early, late, other])
        #expect(RunEntries.entries(of: flat, size: TransactionRunEntries.size, from: lower, before: upper)
            .map { TransactionRunEntries.location($0).height } == [2, 256])
    }

    @Test func aRunsFilterHoldsEveryIDAndRejectsAlmostEveryOther() throws {
        let held = (0..<5_000).map(Self.id)
        var filter = RunFilter(capacity: held.count)
        for id in held.prefix(2_500) { filter.insert(TransactionRunEntries.filterKey(id)) }
        // From entries, as merges add them: the same bits as from the ids.
        filter.insert(entries: Self.run((2_500..<5_000).map { ($0, 9) }), .transactions)
        #expect(filter.count == held.count)
        #expect(held.allSatisfy { filter.mayContain(TransactionRunEntries.filterKey($0)) })
        let wrongly = (5_000..<25_000).filter { filter.mayContain(TransactionRunEntries.filterKey(Self.id($0))) }.count
        #expect(wrongly < 400, "\(wrongly) of 20,000 absent ids answered maybe (about 1 % expected)")

        let decoded = try RunFilter(encoded: filter.encoded)
        #expect(decoded == filter)
        for bad in [[], [UInt8](repeating: 0, count: 8), [UInt8](filter.encoded.dropLast())] {
            #expect(throws: StoreError.self) { try RunFilter(encoded: bad) }
        }
        // Fuller than sized for: more false answers of maybe, never a false no.
        var small = RunFilter(capacity: 1)
        for id in held { small.insert(TransactionRunEntries.filterKey(id)) }
        #expect(held.allSatisfy { small.mayContain(TransactionRunEntries.filterKey($0)) })
    }

    /// Live runs by level, runs in each state, and the chunks ongoing merges have written, of the
    /// index `layout` describes.
    static func runs(_ path: String, _ layout: RunLayout = .transactions) throws -> (live: [Int: Int], building: Int, dead: Int, written: Int) {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        let runs = layout.runsTable
        return try queue.read { db in
            var live: [Int: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT level, COUNT(*) AS n FROM \(runs) WHERE state = 0 GROUP BY level") {
                live[row["level"]] = row["n"]
            }
            let building = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(runs) WHERE state = 1") ?? 0
            let dead = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(runs) WHERE state = 2") ?? 0
            let written = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM \(layout.chunksTable) WHERE run IN (SELECT run FROM \(runs) WHERE state = 1)
                """) ?? 0
            return (live, building, dead, written)
        }
    }

    /// Commits `blocks` blocks of 9–63 readings each on `chain` and returns their ids with their locations.
    static func commitReadings(_ chain: inout StoreChain, blocks: Int, from start: Int) throws -> [(Hash256, TransactionLocation)] {
        var committed: [(Hash256, TransactionLocation)] = []
        for block in 0..<blocks {
            let count = ((start + block) % 7 + 1) * 9
            let envelopes = (0..<count).map { index in
                chain.reading(StoreChain.sensors[index % StoreChain.sensors.count],
                              timeMillis: 1_700_000_000_000 + UInt64((start + block) * 10 + index))
            }
            let commitment = try chain.commit(envelopes)
            for (position, envelope) in envelopes.enumerated() {
                committed.append((SignedEnvelope.transactionID(of: envelope),
                                  TransactionLocation(height: commitment.block.header.height, index: UInt32(position))))
            }
        }
        return committed
    }

    @Test func everyTransactionIsFoundWhileRunsMergeAndAfterAReopen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let limits = SortedRunLimits(fanout: 2, stepChunks: 1)
        var committed: [(Hash256, TransactionLocation)] = []
        do {
            let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis, indexRuns: limits)
            var chain = StoreChain(store: store)
            try chain.registerSensors()
            committed = try Self.commitReadings(&chain, blocks: 45, from: 0)
            for (id, location) in committed {
                #expect(try store.receipts(transactionID: id).map(\.location) == [location])
            }
            try store.verifyIntegrity()
        }
        let (live, building, _, written) = try Self.runs(path)
        #expect(live.keys.max() ?? 0 >= 3, "runs were merged up several levels: \(live)")
        #expect(live.values.allSatisfy { $0 <= 4 }, "merges kept up with the blocks: \(live)")
        #expect(building <= live.count + 1)
        #expect(written > 0, "a merge is under way with part of its output written")

        // Reopened in the middle of its merges, the store finishes them on later blocks; the run a
        // merge was writing gets a filter of all its ids, those written before the reopen included.
        let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis, indexRuns: limits)
        var chain = StoreChain(store: store)
        for block in 45..<75 {
            committed += try Self.commitReadings(&chain, blocks: 1, from: block)
            try store.verifyIntegrity()
        }
        for _ in 0..<120 { _ = try chain.commit([]) }
        for (id, location) in committed {
            #expect(try store.receipts(transactionID: id).map(\.location) == [location])
        }
        #expect(try store.receipts(transactionID: Self.id(7)).isEmpty)
        try store.verifyIntegrity()
        let after = try Self.runs(path)
        #expect(after.building == 0 && after.dead == 0, "empty blocks finished every merge: \(after)")
    }

    @Test func aSchemaTwoStoreGetsItsIDsAsOneFilteredRun() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        var committed: [(Hash256, TransactionLocation)] = []
        do {
            var chain = StoreChain(store: try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis))
            try chain.registerSensors()
            committed = try Self.commitReadings(&chain, blocks: 12, from: 0)
        }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try SchemaDowngrade.readingsToSchemaFive(db)
            try db.execute(sql: """
                DROP TABLE tx_runs;
                DROP TABLE tx_chunks;
                DROP TABLE validator_set_changes;
                CREATE INDEX receipts_by_tx ON receipts(tx_id);
                DELETE FROM grdb_migrations WHERE identifier IN
                    ('v3-transaction-runs', 'v4-transaction-run-filters', 'v5-validator-set-changes');
                UPDATE metadata SET value = CAST('2' AS BLOB) WHERE name = 'schema_version';
                PRAGMA user_version = 2;
                """)
        }
        try queue.close()

        let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis)
        #expect(try Self.runs(path).live == [1: 1], "13 blocks: one run at level 1")
        let unfiltered = try DatabaseQueue(path: path).read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tx_runs WHERE id_filter IS NULL") ?? -1
        }
        #expect(unfiltered == 0, "the migrated run has its filter")
        var chain = StoreChain(store: store)
        committed += try Self.commitReadings(&chain, blocks: 3, from: 12)
        for (id, location) in committed {
            #expect(try store.receipts(transactionID: id).map(\.location) == [location])
        }
        try store.verifyIntegrity()
        let indexes = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'receipts_by_tx'")
        }
        #expect(indexes.isEmpty)
    }
}
