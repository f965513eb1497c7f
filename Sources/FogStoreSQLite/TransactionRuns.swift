import Foundation
import FogCrypto
import FogStore
import GRDB

/// How the transaction-id runs are merged (``TransactionRuns``).
public struct TransactionRunLimits: Sendable, Equatable {
    /// Runs of one level merged into one run of the next level.
    public var fanout: Int
    /// Chunks an ongoing merge writes at once. Each block gives every merge an allowance of twice its
    /// transactions (at least one chunk's worth, so merges also end on empty blocks); a merge writes
    /// when its allowance reaches this many chunks, so a step's reads and writes cover whole pages.
    public var stepChunks: Int

    /// Limits: `fanout` is at least 2, `stepChunks` at least 1.
    public init(fanout: Int, stepChunks: Int) {
        self.fanout = max(fanout, 2)
        self.stepChunks = max(stepChunks, 1)
    }

    /// A lookup reads at most about `fanout` runs a level, and an entry is written once a level.
    public static let standard = TransactionRunLimits(fanout: 8, stepChunks: 4)
}

/// The transaction-id index of the SQLite store, as sorted runs merged step by step: a small
/// log-structured merge tree inside the store's file.
///
/// A B-tree keyed by transaction id takes each block's ids at random places, so a block dirtied a
/// page of it per transaction, the largest share of a block's write (docs/benchmarks.md, rounds 13
/// and 17). Here each block writes its ids as a new sorted run at level 0, appended in chunk rows
/// (`tx_chunks`, found by run and first entry). When `fanout` runs of a level wait, a merge starts:
/// its output run (state `building`) is written in order, a step whenever the blocks since the last
/// one have given it enough allowance, and when it is complete it becomes live and its inputs dead
/// in the same transaction; dead runs' chunks are deleted a few at each block. Every step runs in
/// the block's own write transaction, so the runs are always consistent with the blocks; the writer
/// keeps the runs' rows in memory (``TransactionRunCatalog``). A lookup reads the live runs (inputs
/// of an ongoing merge stay live until it completes), each from the chunk before the id's first entry.
enum TransactionRuns {
    /// `tx_runs.state`.
    enum State: Int64 {
        case live = 0, building = 1, dead = 2
    }

    static let schema = """
        CREATE TABLE tx_runs (
            run          INTEGER PRIMARY KEY NOT NULL,
            level        INTEGER NOT NULL,
            state        INTEGER NOT NULL,
            merge_into   INTEGER,
            resume_after BLOB
        );
        CREATE TABLE tx_chunks (
            chunk     INTEGER PRIMARY KEY NOT NULL,
            run       INTEGER NOT NULL,
            first_key BLOB NOT NULL,
            entries   BLOB NOT NULL
        );
        CREATE UNIQUE INDEX tx_chunks_by_key ON tx_chunks(run, first_key);
        """

    /// The chunks of `run` from the one holding the first entry after `after` (from the run's start
    /// when `after` is empty) up to, not including, `before`, at most `limit` (-1: all).
    private static let chunksSQL = """
        SELECT entries FROM tx_chunks
        WHERE run = :run AND first_key < :before AND first_key >= COALESCE(
            (SELECT first_key FROM tx_chunks WHERE run = :run AND first_key <= :after ORDER BY first_key DESC LIMIT 1), X'')
        ORDER BY first_key LIMIT :limit
        """

    // MARK: writes

    /// Files block `height`'s transaction ids (`ids[i]` at position i) and moves every merge a step.
    /// `catalog` is the runs as committed so far; the caller keeps the changed catalog only once the
    /// block's transaction has committed.
    static func record(_ ids: [Hash256], height: UInt64, limits: TransactionRunLimits,
                       _ catalog: inout TransactionRunCatalog, _ db: Database) throws {
        if !ids.isEmpty {
            var filter = TransactionRunFilter(capacity: ids.count)
            for id in ids { filter.insert(id) }
            let run = try newRun(TransactionRunCatalog.Run(level: 0, state: .live, filter: filter), &catalog, db)
            try writeChunks(TransactionRunEntries.sortedRun(ids, height: height), run: run, db)
        }
        try startMerges(limits, &catalog, db)
        let allowance = max(TransactionRunEntries.perChunk, 2 * ids.count)
        let step = limits.stepChunks * TransactionRunEntries.perChunk
        var written = 0
        for output in catalog.ids(in: .building) {
            catalog.update(output) { $0.allowance += allowance }
            guard let due = catalog.runs[output]?.allowance, due >= step else { continue }
            written += try advanceMerge(into: output, chunks: due / TransactionRunEntries.perChunk, &catalog, db)
        }
        // A merge's inputs hold as many chunks as its output, so deleting twice what was written
        // keeps up with the merges; the allowance's share empties the last dead runs on later blocks.
        let allowanceChunks = (allowance + TransactionRunEntries.perChunk - 1) / TransactionRunEntries.perChunk
        try deleteDeadChunks(limit: 2 * (written + allowanceChunks), &catalog, db)
    }

    /// Writes a whole run at `level` from the entries `entries` hands over in order (for a store whose
    /// ids were indexed otherwise), a chunk at a time.
    static func writeRun(level: Int, _ db: Database, entries: (_ add: ([UInt8]) throws -> Void) throws -> Void) throws {
        let run = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(run), 0) + 1 FROM tx_runs") ?? 1
        try db.execute(sql: "INSERT INTO tx_runs (run, level, state) VALUES (?, ?, ?)",
                       arguments: [run, level, State.live.rawValue])
        var chunk: [UInt8] = []
        var isEmpty = true
        try entries { entry in
            chunk += entry
            isEmpty = false
            if chunk.count == TransactionRunEntries.chunkBytes {
                try writeChunks(chunk, run: run, db)
                chunk = []
            }
        }
        try writeChunks(chunk, run: run, db)
        if isEmpty { try db.execute(sql: "DELETE FROM tx_runs WHERE run = ?", arguments: [run]) }
    }

    private static func newRun(_ run: TransactionRunCatalog.Run, _ catalog: inout TransactionRunCatalog,
                               _ db: Database) throws -> Int64 {
        let id = catalog.add(run)
        // A live run is complete when it is made (a block's run), so its filter is stored with it.
        let filter = run.state == .live ? run.filter.map { Data($0.encoded) } : nil
        try db.cachedStatement(sql: "INSERT INTO tx_runs (run, level, state, id_filter) VALUES (?, ?, ?, ?)")
            .execute(arguments: [id, run.level, run.state.rawValue, filter])
        return id
    }

    private static func writeChunks(_ flat: [UInt8], run: Int64, _ db: Database) throws {
        let insert = try db.cachedStatement(sql: "INSERT INTO tx_chunks (run, first_key, entries) VALUES (?, ?, ?)")
        for chunk in TransactionRunEntries.chunks(flat) {
            try insert.execute(arguments: [run, Data(chunk.prefix(TransactionRunEntries.size)), Data(chunk)])
        }
    }

    /// Starts a merge of the `fanout` oldest live runs of each level that has that many not yet merging
    /// and no merge of its own under way.
    private static func startMerges(_ limits: TransactionRunLimits, _ catalog: inout TransactionRunCatalog,
                                    _ db: Database) throws {
        var waiting: [Int: [Int64]] = [:]
        var merging: Set<Int> = []
        for (id, run) in catalog.runs {
            if run.state == .live, run.mergeInto == nil { waiting[run.level, default: []].append(id) }
            if run.state == .building { merging.insert(run.level - 1) }
        }
        for (level, ids) in waiting.sorted(by: { $0.key < $1.key }) where ids.count >= limits.fanout && !merging.contains(level) {
            let output = try newRun(TransactionRunCatalog.Run(level: level + 1, state: .building), &catalog, db)
            for input in ids.sorted().prefix(limits.fanout) {
                try db.cachedStatement(sql: "UPDATE tx_runs SET merge_into = ? WHERE run = ?").execute(arguments: [output, input])
                catalog.update(input) { $0.mergeInto = output }
            }
            let capacity = catalog.mergedCount(into: output)
            catalog.update(output) { $0.filter = TransactionRunFilter(capacity: capacity) }
        }
    }

    /// Chunks of a merge's input read at once.
    private static let chunksRead = 2

    /// The chunks of a run after an entry, at most a number.
    private static let nextChunksSQL = "SELECT entries FROM tx_chunks WHERE run = ? AND first_key > ? ORDER BY first_key LIMIT ?"

    /// Writes up to `chunks` full chunks of merge `output`'s run; when its inputs are exhausted,
    /// makes it live and them dead. Returns the chunks written.
    private static func advanceMerge(into output: Int64, chunks: Int, _ catalog: inout TransactionRunCatalog,
                                     _ db: Database) throws -> Int {
        let resumeAfter = catalog.runs[output]?.resumeAfter
        let inputRuns = catalog.inputs(of: output)
        // Each input is read a few chunks at a time, as the merge takes its entries: from the chunk
        // that holds the resume point, then after the last entry read.
        var inputs = try inputRuns.map { run in
            let flat = try Data.fetchAll(db.cachedStatement(sql: chunksSQL), arguments: [
                "run": run, "before": Data(TransactionRunEntries.afterAll), "after": Data(resumeAfter ?? []),
                "limit": chunksRead,
            ])
            return TransactionRunEntries.MergeInput(flat: flat.flatMap { [UInt8]($0) }, after: resumeAfter,
                                                    isComplete: flat.count < chunksRead)
        }
        var merged: [UInt8] = []
        while let waiting = TransactionRunEntries.merge(&inputs, into: &merged, limit: chunks * TransactionRunEntries.perChunk) {
            let more = try Data.fetchAll(db.cachedStatement(sql: nextChunksSQL), arguments: [
                inputRuns[waiting], Data(inputs[waiting].lastRead ?? []), chunksRead,
            ])
            inputs[waiting].append(more.flatMap { [UInt8]($0) }, isComplete: more.count < chunksRead)
        }
        try writeChunks(merged, run: output, db)
        catalog.update(output) { $0.filter?.insert(entries: merged) }
        if TransactionRunEntries.isFinished(inputs) {
            try db.cachedStatement(sql: "UPDATE tx_runs SET state = ?, resume_after = NULL, id_filter = ? WHERE run = ?")
                .execute(arguments: [State.live.rawValue, catalog.runs[output]?.filter.map { Data($0.encoded) }, output])
            catalog.update(output) {
                $0.state = .live
                $0.resumeAfter = nil
                $0.allowance = 0
            }
            try db.cachedStatement(sql: "UPDATE tx_runs SET state = ?, merge_into = NULL WHERE merge_into = ?")
                .execute(arguments: [State.dead.rawValue, output])
            for input in inputRuns {
                catalog.update(input) { $0.state = .dead; $0.mergeInto = nil }
            }
        } else if !merged.isEmpty {
            let last = Array(merged.suffix(TransactionRunEntries.size))
            try db.cachedStatement(sql: "UPDATE tx_runs SET resume_after = ? WHERE run = ?")
                .execute(arguments: [Data(last), output])
            catalog.update(output) {
                $0.resumeAfter = last
                $0.allowance -= merged.count / TransactionRunEntries.size
            }
        }
        return (merged.count + TransactionRunEntries.chunkBytes - 1) / TransactionRunEntries.chunkBytes
    }

    /// Deletes up to `limit` chunks of dead runs, and each dead run left without chunks.
    private static func deleteDeadChunks(limit: Int, _ catalog: inout TransactionRunCatalog, _ db: Database) throws {
        var left = limit
        for run in catalog.ids(in: .dead) {
            guard left > 0 else { return }
            try db.cachedStatement(sql: """
                DELETE FROM tx_chunks WHERE chunk IN (
                    SELECT chunk FROM tx_chunks WHERE run = :run ORDER BY first_key LIMIT :limit)
                """).execute(arguments: ["run": run, "limit": left])
            left -= db.changesCount
            if left > 0 {
                try db.cachedStatement(sql: "DELETE FROM tx_runs WHERE run = ?").execute(arguments: [run])
                catalog.remove(run)
            }
        }
    }

    /// Stores a filter for every live run that has none (for a store whose runs predate filters),
    /// each built from the run's chunks.
    static func fillFilters(_ db: Database) throws {
        let runs = try Int64.fetchAll(db, sql: "SELECT run FROM tx_runs WHERE state = ? AND id_filter IS NULL",
                                      arguments: [State.live.rawValue])
        for run in runs {
            // Sized by its chunks (an upper bound of its ids), and read a chunk at a time.
            let chunkCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tx_chunks WHERE run = ?", arguments: [run]) ?? 0
            var filter = TransactionRunFilter(capacity: chunkCount * TransactionRunEntries.perChunk)
            try forEachChunk(of: run, db) { filter.insert(entries: $0) }
            try db.execute(sql: "UPDATE tx_runs SET id_filter = ? WHERE run = ?", arguments: [Data(filter.encoded), run])
        }
    }

    /// Calls `body` with the entries of each chunk of `run`, read one chunk at a time.
    static func forEachChunk(of run: Int64, _ db: Database, _ body: ([UInt8]) throws -> Void) throws {
        let chunks = try Data.fetchCursor(db, sql: "SELECT entries FROM tx_chunks WHERE run = ?", arguments: [run])
        while let chunk = try chunks.next() { try body([UInt8](chunk)) }
    }

    // MARK: reads

    /// Every location of transaction `id`, in chain order. `filters` are complete runs' filters
    /// (``TransactionRunCatalog/completeFilters``); a live run without one is read.
    static func locations(of id: Hash256, filters: [Int64: TransactionRunFilter], _ db: Database) throws -> [TransactionLocation] {
        let (lower, upper) = TransactionRunEntries.bounds(of: id)
        var found: [TransactionLocation] = []
        for run in try Int64.fetchAll(db.cachedStatement(sql: "SELECT run FROM tx_runs WHERE state = ?"),
                                      arguments: [State.live.rawValue]) where filters[run]?.mayContain(id) ?? true {
            let chunks = try Data.fetchAll(db.cachedStatement(sql: chunksSQL), arguments: [
                "run": run, "before": Data(upper), "after": Data(lower), "limit": -1,
            ])
            for chunk in chunks { found += TransactionRunEntries.locations(of: id, in: [UInt8](chunk)) }
        }
        return found.sorted { ($0.height, $0.index) < ($1.height, $1.index) }
    }

    /// The entries of the live runs (each transaction of the chain once), after checking that every
    /// live run has a filter holding each of its ids. Throws ``StoreError/Code/corrupt`` otherwise.
    static func checkedLiveEntryCount(_ db: Database) throws -> Int {
        var count = 0
        let runs = try Row.fetchAll(db, sql: "SELECT run, id_filter FROM tx_runs WHERE state = ?", arguments: [State.live.rawValue])
        for row in runs {
            let run: Int64 = row["run"]
            guard let stored = row["id_filter"] as Data? else { throw StoreError(.corrupt, "transaction run \(run) has no filter") }
            let filter = try TransactionRunFilter(encoded: [UInt8](stored))
            try forEachChunk(of: run, db) { flat in
                for id in TransactionRunEntries.ids(in: flat) {
                    guard filter.mayContain(id) else {
                        throw StoreError(.corrupt, "the filter of transaction run \(run) lacks one of its ids")
                    }
                    count += 1
                }
            }
        }
        return count
    }
}
