import Foundation
import FogCrypto
import FogStore
import GRDB
import Synchronization

/// Where each committed transaction is (its id → height and position), kept in a SQLite file of
/// its own beside the store and written after each block's commit, off the block's write.
///
/// A transaction id is random, so an index over ids in the store's file dirtied one page per
/// transaction in every block's write, about a third of the bytes a block wrote to its fsynced WAL
/// (docs/benchmarks.md, "Round 13" and "Round 17"). The index is derived from the store's receipts,
/// so it needs neither that write's transaction nor its sync: a block's entries are kept in memory
/// when it commits (lookups see them at once), written here in the background (several blocks to a
/// transaction when they queue up), and dropped from memory once written. The file runs in WAL
/// mode with `synchronous = NORMAL`: a crash can lose its latest transactions but not corrupt it,
/// and opening re-indexes the receipts of every height above the one it records.
final class TransactionIndex: Sendable {
    /// The index's file.
    let path: String
    private let pool: DatabasePool
    private let writes = DispatchQueue(label: "FogStoreSQLite.transaction-index")
    private let state = Mutex(PendingEntries())

    /// The blocks committed but not yet written here, and their entries by transaction id.
    private struct PendingEntries {
        var blocks: [(height: UInt64, blockID: Hash256, ids: [Hash256])] = []
        var locations: [Hash256: [TransactionLocation]] = [:]
        /// Whether a write is queued or running.
        var writing = false
        /// The last write's failure, if it failed (the entries then stay in memory).
        var failure: String?
    }

    /// Opens (or creates) the index at `path` and brings it up to `latestHeight`, re-indexing the
    /// receipts above the height it records from `store` (a file that is not a usable index is
    /// replaced: everything in it can be derived again).
    init(path: String, store: DatabasePool, latestHeight: UInt64) throws {
        self.path = path
        let configuration = Configuration.storeFile(label: "FogStoreSQLite.transactions", pageSize: Self.pageSize)
        do {
            pool = try Self.open(path, configuration)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            pool = try Self.open(path, configuration)
        }
        try catchUp(from: store, latestHeight: latestHeight)
    }

    private static func open(_ path: String, _ configuration: Configuration) throws -> DatabasePool {
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.checkpointPages)")
        }
        try pool.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS transactions (
                    tx_id    BLOB NOT NULL,
                    height   INTEGER NOT NULL,
                    position INTEGER NOT NULL,
                    PRIMARY KEY (tx_id, height, position)
                ) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS indexed (
                    id       INTEGER PRIMARY KEY CHECK (id = 0),
                    height   INTEGER NOT NULL,
                    block_id BLOB
                );
                INSERT OR IGNORE INTO indexed (id, height, block_id) VALUES (0, 0, NULL);
                """)
        }
        return pool
    }

    /// The highest height whose transactions are written here.
    func indexedHeight() throws -> UInt64 {
        try pool.read { db in UInt64(try Int64.fetchOne(db, sql: "SELECT height FROM indexed") ?? 0) }
    }

    /// Indexes the receipts of `store` above the indexed height, in chunks of heights. An index whose
    /// last indexed block is not the store's block at that height (it is above the store's latest
    /// height, or the file belongs to another copy or chain) is emptied and built again.
    private func catchUp(from store: DatabasePool, latestHeight: UInt64) throws {
        let (recorded, recordedBlock) = try pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT height, block_id FROM indexed")
            return (UInt64(row?["height"] as Int64? ?? 0), row?["block_id"] as Data?)
        }
        var indexed = recorded
        if recorded > 0 {
            let storeBlock = try store.read { db in
                try SQLiteSchema.blockID(at: recorded, db).map { Data($0.bytes) }
            }
            if storeBlock == nil || storeBlock != recordedBlock {
                try pool.write { db in
                    try db.execute(sql: "DELETE FROM transactions")
                    try db.execute(sql: "UPDATE indexed SET height = 0, block_id = NULL")
                }
                indexed = 0
            }
        }
        while indexed < latestHeight {
            let through = min(latestHeight, indexed + Self.catchUpHeights)
            let (rows, blockID) = try store.read { db in
                (try Row.fetchAll(db, sql: """
                    SELECT tx_id, height, position FROM receipts WHERE height > ? AND height <= ?
                    """, arguments: [Int64(indexed), Int64(through)]),
                 try SQLiteSchema.blockID(at: through, db))
            }
            try pool.write { db in
                let insert = try Self.insertStatement(db)
                for row in rows {
                    try insert.execute(arguments: [row["tx_id"] as Data, row["height"] as Int64, row["position"] as Int64])
                }
                try Self.setIndexed(through, blockID: blockID, db)
            }
            indexed = through
        }
    }

    /// The page size of a new index file. Each transaction id lands on a page of its own in a
    /// block's write (ids are random), and SQLite writes every dirty page whole.
    static let pageSize = 512

    /// WAL pages after which a write copies the WAL into the file (SQLite's default is 1,000): a
    /// page rewritten by many writes in between is copied once, and each page is a system call.
    static let checkpointPages = 8_192

    /// Heights re-indexed per transaction when opening.
    private static let catchUpHeights: UInt64 = 1_000

    private static func insertStatement(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO transactions (tx_id, height, position) VALUES (?, ?, ?)")
    }

    private static func setIndexed(_ height: UInt64, blockID: Hash256?, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE indexed SET height = ?, block_id = ?")
            .execute(arguments: [Int64(height), blockID.map { Data($0.bytes) }])
    }

    /// Adds a committed block's transaction ids (in block order); they are written with the blocks
    /// added within ``writeDelay``.
    func add(height: UInt64, blockID: Hash256, ids: [Hash256]) {
        let startWrite = state.withLock { state -> Bool in
            state.blocks.append((height, blockID, ids))
            for (position, id) in ids.enumerated() {
                state.locations[id, default: []].append(TransactionLocation(height: height, index: UInt32(position)))
            }
            guard !state.writing else { return false }
            state.writing = true
            return true
        }
        if startWrite { scheduleWrite() }
    }

    /// How long a block's ids wait for others to share their write. A write is a transaction of its
    /// own, with its commit and its share of checkpoints: written a block at a time, at 31 blocks a
    /// second the index cost four validators more CPU than it saved their blocks' writes.
    static let writeDelay = DispatchTimeInterval.milliseconds(200)

    private func scheduleWrite() {
        writes.asyncAfter(deadline: .now() + Self.writeDelay) { self.writePending() }
    }

    /// Writes every queued block in one transaction and drops their entries from memory; blocks
    /// queued meanwhile are written after another delay. After a failed write the entries stay in
    /// memory, and the next block's write takes them too.
    private func writePending() {
        let blocks = state.withLock { $0.blocks }
        var failure: String?
        if let last = blocks.last {
            do {
                try pool.write { db in
                    let insert = try Self.insertStatement(db)
                    for block in blocks {
                        for (position, id) in block.ids.enumerated() {
                            try insert.execute(arguments: [Data(id.bytes), Int64(block.height), position])
                        }
                    }
                    try Self.setIndexed(last.height, blockID: last.blockID, db)
                }
            } catch {
                failure = "\(error)"
            }
        }
        let writeAgain = state.withLock { state -> Bool in
            state.failure = failure
            if failure == nil {
                state.blocks.removeFirst(blocks.count)
                for block in blocks {
                    for id in block.ids {
                        state.locations[id]?.removeAll { $0.height == block.height }
                        if state.locations[id]?.isEmpty == true { state.locations[id] = nil }
                    }
                }
            }
            state.writing = failure == nil && !state.blocks.isEmpty
            return state.writing
        }
        if writeAgain { scheduleWrite() }
    }

    /// Where transaction `id` was committed, in height and position order.
    func locations(of id: Hash256) throws -> [TransactionLocation] {
        // Memory first: a block leaves it only after its write, so a read after that sees the file.
        let pending = state.withLock { $0.locations[id] ?? [] }
        let written = try pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT height, position FROM transactions WHERE tx_id = ?"),
                             arguments: [Data(id.bytes)])
        }.map { TransactionLocation(height: UInt64($0["height"] as Int64), index: UInt32($0["position"] as Int64)) }
        return Set(pending + written).sorted { ($0.height, $0.index) < ($1.height, $1.index) }
    }

    /// Writes every block added so far now (unless its write fails).
    func waitForWrites() {
        writes.sync { writePending() }
    }

    /// The heights added but not yet written, and the last write's failure.
    var backlog: (heights: Int, failure: String?) {
        state.withLock { ($0.blocks.count, $0.failure) }
    }
}
