import Foundation
import FogStore
import GRDB

/// How the runs of an index are merged (``SortedRuns``).
public struct SortedRunLimits: Sendable, Equatable {
    /// Runs of one level merged into one run of the next level.
    public var fanout: Int
    /// Chunks an ongoing merge writes at once. Each block gives every merge an allowance of twice its
    /// entries (at least one chunk's worth, so merges also end on empty blocks); a merge writes
    /// when its allowance reaches this many chunks, so a step's reads and writes cover whole pages.
    public var stepChunks: Int

    /// Limits: `fanout` is at least 2, `stepChunks` at least 1.
    public init(fanout: Int, stepChunks: Int) {
        self.fanout = max(fanout, 2)
        self.stepChunks = max(stepChunks, 1)
    }

    /// A lookup reads at most about `fanout` runs a level, and an entry is written once a level.
    public static let standard = SortedRunLimits(fanout: 8, stepChunks: 4)

    /// The level a run of a store's existing entries gets: the one `blocks` blocks' runs would have
    /// reached by merging.
    func level(ofBlocks blocks: UInt64) -> Int {
        var level = 0
        var blocks = blocks
        while blocks >= UInt64(fanout) {
            blocks /= UInt64(fanout)
            level += 1
        }
        return level
    }
}

/// An index of fixed-size entries in the SQLite store, as sorted runs merged step by step: a small
/// log-structured merge tree inside the store's file. The store keeps two: transaction ids
/// (``RunLayout/transactions``) and readings by device (``RunLayout/readings``).
///
/// A B-tree keyed by transaction id or by device takes each block's entries at random places, so a
/// block dirtied a page of it per transaction or per device, the largest share of a block's write
/// (docs/benchmarks.md, rounds 13, 17 and 21). Here each block writes its entries as a new sorted
/// run at level 0, appended in chunk rows (found by run and first entry). When `fanout` runs of a
/// level wait, a merge starts: its output run (state `building`) is written in order, a step
/// whenever the blocks since the last one have given it enough allowance, and when it is complete it
/// becomes live and its inputs dead in the same transaction; dead runs' chunks are deleted a few at
/// each block. Every step runs in the block's own write transaction, so the runs are always
/// consistent with the blocks; the writer keeps the runs' rows in memory (``RunCatalog``). A lookup
/// reads the live runs whose filter may hold its key (inputs of an ongoing merge stay live until it
/// completes), each from the chunk before its first entry, and merges what they hold.
enum SortedRuns {
    /// The runs table's `state`.
    enum State: Int64 {
        case live = 0, building = 1, dead = 2
    }

    /// The chunks of `run` from the one holding the first entry after `after` (from the run's start
    /// when `after` is empty) up to, not including, `before`, at most `limit` (-1: all).
    private static func chunksSQL(_ layout: RunLayout) -> String {
        """
        SELECT entries FROM \(layout.chunksTable)
        WHERE run = :run AND first_key < :before AND first_key >= COALESCE(
            (SELECT first_key FROM \(layout.chunksTable) WHERE run = :run AND first_key <= :after ORDER BY first_key DESC LIMIT 1), X'')
        ORDER BY first_key LIMIT :limit
        """
    }

    /// The chunks of a run after an entry, at most a number.
    private static func nextChunksSQL(_ layout: RunLayout) -> String {
        "SELECT entries FROM \(layout.chunksTable) WHERE run = ? AND first_key > ? ORDER BY first_key LIMIT ?"
    }

    // MARK: writes

    /// Files a block's entries (`flat`, sorted) as a new run and moves every merge a step. `catalog`
    /// is the runs as committed so far; the caller keeps the changed catalog only once the block's
    /// transaction has committed.
    static func record(_ flat: [UInt8], _ layout: RunLayout, limits: SortedRunLimits,
                       _ catalog: inout RunCatalog, _ db: Database) throws {
        let count = flat.count / layout.entrySize
        if count > 0 {
            var filter = RunFilter(capacity: count)
            filter.insert(entries: flat, layout)
            let run = try newRun(RunCatalog.Run(level: 0, state: .live, filter: filter), layout, &catalog, db)
            try writeChunks(flat, run: run, layout, db)
        }
        try startMerges(limits, layout, &catalog, db)
        let allowance = max(layout.perChunk, 2 * count)
        let step = limits.stepChunks * layout.perChunk
        var written = 0
        for output in catalog.ids(in: .building) {
            catalog.update(output) { $0.allowance += allowance }
            guard let due = catalog.runs[output]?.allowance, due >= step else { continue }
            written += try advanceMerge(into: output, chunks: due / layout.perChunk, layout, &catalog, db)
        }
        // A merge's inputs hold as many chunks as its output, so deleting twice what was written
        // keeps up with the merges; the allowance's share empties the last dead runs on later blocks.
        let allowanceChunks = (allowance + layout.perChunk - 1) / layout.perChunk
        try deleteDeadChunks(limit: 2 * (written + allowanceChunks), layout, &catalog, db)
    }

    /// Writes a whole live run at `level`, without a filter (``fillFilters(_:_:)``), from the entries
    /// `entries` hands over in order (for a store whose entries were indexed otherwise), a chunk at a time.
    static func writeRun(level: Int, _ layout: RunLayout, _ db: Database,
                         entries: (_ add: ([UInt8]) throws -> Void) throws -> Void) throws {
        let run = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(run), 0) + 1 FROM \(layout.runsTable)") ?? 1
        try db.execute(sql: "INSERT INTO \(layout.runsTable) (run, level, state) VALUES (?, ?, ?)",
                       arguments: [run, level, State.live.rawValue])
        var chunk: [UInt8] = []
        var isEmpty = true
        try entries { entry in
            chunk += entry
            isEmpty = false
            if chunk.count == layout.chunkBytes {
                try writeChunks(chunk, run: run, layout, db)
                chunk = []
            }
        }
        try writeChunks(chunk, run: run, layout, db)
        if isEmpty { try db.execute(sql: "DELETE FROM \(layout.runsTable) WHERE run = ?", arguments: [run]) }
    }

    private static func newRun(_ run: RunCatalog.Run, _ layout: RunLayout, _ catalog: inout RunCatalog,
                               _ db: Database) throws -> Int64 {
        let id = catalog.add(run)
        // A live run is complete when it is made (a block's run), so its filter is stored with it.
        let filter = run.state == .live ? run.filter.map { Data($0.encoded) } : nil
        try db.cachedStatement(sql: "INSERT INTO \(layout.runsTable) (run, level, state, id_filter) VALUES (?, ?, ?, ?)")
            .execute(arguments: [id, run.level, run.state.rawValue, filter])
        return id
    }

    private static func writeChunks(_ flat: [UInt8], run: Int64, _ layout: RunLayout, _ db: Database) throws {
        let insert = try db.cachedStatement(sql: "INSERT INTO \(layout.chunksTable) (run, first_key, entries) VALUES (?, ?, ?)")
        for chunk in RunEntries.chunks(flat, layout) {
            try insert.execute(arguments: [run, Data(chunk.prefix(layout.entrySize)), Data(chunk)])
        }
    }

    /// Starts a merge of the `fanout` oldest live runs of each level that has that many not yet merging
    /// and no merge of its own under way.
    private static func startMerges(_ limits: SortedRunLimits, _ layout: RunLayout, _ catalog: inout RunCatalog,
                                    _ db: Database) throws {
        var waiting: [Int: [Int64]] = [:]
        var merging: Set<Int> = []
        for (id, run) in catalog.runs {
            if run.state == .live, run.mergeInto == nil { waiting[run.level, default: []].append(id) }
            if run.state == .building { merging.insert(run.level - 1) }
        }
        for (level, ids) in waiting.sorted(by: { $0.key < $1.key }) where ids.count >= limits.fanout && !merging.contains(level) {
            let output = try newRun(RunCatalog.Run(level: level + 1, state: .building), layout, &catalog, db)
            for input in ids.sorted().prefix(limits.fanout) {
                try db.cachedStatement(sql: "UPDATE \(layout.runsTable) SET merge_into = ? WHERE run = ?")
                    .execute(arguments: [output, input])
                catalog.update(input) { $0.mergeInto = output }
            }
            let capacity = catalog.mergedCount(into: output)
            catalog.update(output) { $0.filter = RunFilter(capacity: capacity) }
        }
    }

    /// Chunks of a merge's input read at once.
    private static let chunksRead = 4

    /// Writes up to `chunks` full chunks of merge `output`'s run; when its inputs are exhausted,
    /// makes it live and them dead. Returns the chunks written.
    private static func advanceMerge(into output: Int64, chunks: Int, _ layout: RunLayout,
                                     _ catalog: inout RunCatalog, _ db: Database) throws -> Int {
        let resumeAfter = catalog.runs[output]?.resumeAfter
        let inputRuns = catalog.inputs(of: output)
        // Each input is read a few chunks at a time, as the merge takes its entries: from the chunk
        // that holds the resume point (unless the last step's inputs are in hand), then after the
        // last entry read.
        var inputs = try catalog.runs[output]?.mergeInputs ?? inputRuns.map { run in
            let flat = try Data.fetchAll(db.cachedStatement(sql: chunksSQL(layout)), arguments: [
                "run": run, "before": Data(layout.afterAll), "after": Data(resumeAfter ?? []), "limit": chunksRead,
            ])
            return RunEntries.MergeInput(flat: flat.flatMap { [UInt8]($0) }, size: layout.entrySize,
                                         after: resumeAfter, isComplete: flat.count < chunksRead)
        }
        var merged: [UInt8] = []
        while let waiting = RunEntries.merge(&inputs, into: &merged, limit: chunks * layout.perChunk) {
            let more = try Data.fetchAll(db.cachedStatement(sql: nextChunksSQL(layout)), arguments: [
                inputRuns[waiting], Data(inputs[waiting].lastRead ?? []), chunksRead,
            ])
            inputs[waiting].append(more.flatMap { [UInt8]($0) }, isComplete: more.count < chunksRead)
        }
        try writeChunks(merged, run: output, layout, db)
        catalog.update(output) { $0.filter?.insert(entries: merged, layout) }
        if RunEntries.isFinished(inputs) {
            try db.cachedStatement(sql: "UPDATE \(layout.runsTable) SET state = ?, resume_after = NULL, id_filter = ? WHERE run = ?")
                .execute(arguments: [State.live.rawValue, catalog.runs[output]?.filter.map { Data($0.encoded) }, output])
            catalog.update(output) {
                $0.state = .live
                $0.resumeAfter = nil
                $0.allowance = 0
                $0.mergeInputs = nil
            }
            try db.cachedStatement(sql: "UPDATE \(layout.runsTable) SET state = ?, merge_into = NULL WHERE merge_into = ?")
                .execute(arguments: [State.dead.rawValue, output])
            for input in inputRuns {
                catalog.update(input) { $0.state = .dead; $0.mergeInto = nil }
            }
        } else if !merged.isEmpty {
            let last = Array(merged.suffix(layout.entrySize))
            try db.cachedStatement(sql: "UPDATE \(layout.runsTable) SET resume_after = ? WHERE run = ?")
                .execute(arguments: [Data(last), output])
            catalog.update(output) {
                $0.resumeAfter = last
                $0.allowance -= merged.count / layout.entrySize
                $0.mergeInputs = inputs
            }
        }
        return (merged.count + layout.chunkBytes - 1) / layout.chunkBytes
    }

    /// Deletes up to `limit` chunks of dead runs, and each dead run left without chunks.
    private static func deleteDeadChunks(limit: Int, _ layout: RunLayout, _ catalog: inout RunCatalog,
                                         _ db: Database) throws {
        var left = limit
        for run in catalog.ids(in: .dead) {
            guard left > 0 else { return }
            try db.cachedStatement(sql: """
                DELETE FROM \(layout.chunksTable) WHERE chunk IN (
                    SELECT chunk FROM \(layout.chunksTable) WHERE run = :run ORDER BY first_key LIMIT :limit)
                """).execute(arguments: ["run": run, "limit": left])
            left -= db.changesCount
            if left > 0 {
                try db.cachedStatement(sql: "DELETE FROM \(layout.runsTable) WHERE run = ?").execute(arguments: [run])
                catalog.remove(run)
            }
        }
    }

    /// Stores a filter for every live run that has none (for a store whose runs predate filters or
    /// were written whole by a migration), each built from the run's chunks.
    static func fillFilters(_ layout: RunLayout, _ db: Database) throws {
        let runs = try Int64.fetchAll(db, sql: "SELECT run FROM \(layout.runsTable) WHERE state = ? AND id_filter IS NULL",
                                      arguments: [State.live.rawValue])
        for run in runs {
            // Sized by its chunks (an upper bound of its entries), and read a chunk at a time.
            let chunkCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(layout.chunksTable) WHERE run = ?",
                                              arguments: [run]) ?? 0
            var filter = RunFilter(capacity: chunkCount * layout.perChunk)
            try forEachChunk(of: run, layout, db) { filter.insert(entries: $0, layout) }
            try db.execute(sql: "UPDATE \(layout.runsTable) SET id_filter = ? WHERE run = ?",
                           arguments: [Data(filter.encoded), run])
        }
    }

    /// Calls `body` with the entries of each chunk of `run`, read one chunk at a time.
    static func forEachChunk(of run: Int64, _ layout: RunLayout, _ db: Database, _ body: ([UInt8]) throws -> Void) throws {
        let chunks = try Data.fetchCursor(db, sql: "SELECT entries FROM \(layout.chunksTable) WHERE run = ?", arguments: [run])
        while let chunk = try chunks.next() { try body([UInt8](chunk)) }
    }

    // MARK: reads

    /// The first `limit` entries, in order, at least `lower` and below `upper`, among the live runs
    /// whose filter may hold `key`. `filters` are complete runs' filters
    /// (``RunCatalog/completeFilters``); a live run without one is read.
    static func entries(from lower: [UInt8], before upper: [UInt8], limit: Int, key: RunFilter.Key,
                        filters: [Int64: RunFilter], _ layout: RunLayout, _ db: Database) throws -> [ArraySlice<UInt8>] {
        var found: [ArraySlice<UInt8>] = []
        for run in try Int64.fetchAll(db.cachedStatement(sql: "SELECT run FROM \(layout.runsTable) WHERE state = ?"),
                                      arguments: [State.live.rawValue]) where filters[run]?.mayContain(key) ?? true {
            found += try entries(of: run, from: lower, before: upper, limit: limit, layout, db)
        }
        return Array(found.sorted { $0.lexicographicallyPrecedes($1) }.prefix(limit))
    }

    /// Chunks a lookup reads from a run at once, at most.
    static let lookupChunks = 16

    /// The first `limit` entries of `run` at least `lower` and below `upper`, read from the chunk
    /// that holds the first of them, enough chunks at a time for the limit (at most ``lookupChunks``).
    private static func entries(of run: Int64, from lower: [UInt8], before upper: [UInt8], limit: Int,
                                _ layout: RunLayout, _ db: Database) throws -> [ArraySlice<UInt8>] {
        // The chunk holding `lower` may hold a chunk's worth of entries before it.
        let batch = min(limit / layout.perChunk + 2, lookupChunks)
        var chunks = try Data.fetchAll(db.cachedStatement(sql: chunksSQL(layout)), arguments: [
            "run": run, "before": Data(upper), "after": Data(lower), "limit": batch,
        ])
        var found: [ArraySlice<UInt8>] = []
        while true {
            let flat = chunks.flatMap { [UInt8]($0) }
            found += RunEntries.entries(of: flat, size: layout.entrySize, from: lower, before: upper)
            guard found.count < limit, chunks.count == batch else { break }
            let last = Array(flat.suffix(layout.entrySize))
            guard last.lexicographicallyPrecedes(upper) else { break }
            chunks = try Data.fetchAll(db.cachedStatement(sql: nextChunksSQL(layout)), arguments: [run, Data(last), batch])
        }
        return Array(found.prefix(limit))
    }

    /// The entries of the live runs (each indexed item's entries once), after checking that every
    /// live run has a filter holding the key of each of its entries. Throws
    /// ``StoreError/Code/corrupt`` otherwise.
    static func checkedLiveEntryCount(_ layout: RunLayout, _ db: Database) throws -> Int {
        var count = 0
        let runs = try Row.fetchAll(db, sql: "SELECT run, id_filter FROM \(layout.runsTable) WHERE state = ?",
                                    arguments: [State.live.rawValue])
        for row in runs {
            let run: Int64 = row["run"]
            guard let stored = row["id_filter"] as Data? else { throw StoreError(.corrupt, "\(layout.name) run \(run) has no filter") }
            let filter = try RunFilter(encoded: [UInt8](stored))
            try forEachChunk(of: run, layout, db) { flat in
                for offset in stride(from: 0, to: flat.count - layout.entrySize + 1, by: layout.entrySize) {
                    guard filter.mayContain(layout.filterKey(flat, at: offset)) else {
                        throw StoreError(.corrupt, "the filter of \(layout.name) run \(run) lacks the key of one of its entries")
                    }
                    count += 1
                }
            }
        }
        return count
    }
}
