import Foundation
public import FogCrypto
import FogExecution
public import FogMerkle
public import FogStore
public import FogTypes
import GRDB
import Synchronization

/// The ``LedgerStore`` of a node: one SQLite file (GRDB `DatabasePool`, WAL mode).
///
/// Every block is one write transaction; the writer connection runs with `synchronous = FULL`, so
/// when ``commitBlock(_:)`` returns the block is in the fsynced WAL and survives a crash or power
/// loss. Readers (API, proofs) run concurrently on WAL snapshots. See docs/architecture.md, "Storage".
public final class SQLiteLedgerStore: LedgerStore {
    public let metadata: StoreMetadata
    public let retainedVersions: UInt64
    /// The database file.
    public let path: String
    private let pool: DatabasePool
    /// Tree nodes recently written or read (content-addressed, so never stale).
    let nodeCache: SparseNodeCache
    /// Records of the latest state recently written or read.
    let recordCache: LatestRecordCache
    /// Whether the store predates versioned tree nodes and keeps its older nodes by hash
    /// (``SQLiteSchema/legacyNodesTable``).
    private let hasLegacyNodes: Bool
    /// The latest committed height, header and commit: this store is the only writer of its file,
    /// and the node asks for the height at every admission and for the header and commit at every
    /// height, so they are kept here instead of read in a transaction each time.
    private let latest: Mutex<LatestBlock>
    /// Copies the WAL into the database file beside the writer.
    private let checkpointer: WALCheckpointer
    /// How the runs of the transaction-id and readings indexes are merged.
    private let runLimits: SortedRunLimits
    /// The runs of both indexes as last committed, `nil` after a failed write (read again at the
    /// next). The writer changes them in place, so that the filter of an ongoing merge's output is
    /// not copied at every block.
    private let runCatalogs: Mutex<RunCatalogs?>
    /// The complete runs' filters as last committed, for lookups.
    private let runFilters: Mutex<RunCatalogs.Filters>

    /// The page size of a new store's file. A block dirties a page of a large index for each of its
    /// devices (their state versions; transaction ids and readings were two more such indexes
    /// before ``SortedRuns``), and SQLite writes every dirty page whole to the WAL: with 2 KiB pages
    /// instead of SQLite's 4 KiB, four validators at 2,500 envelopes/s wrote 34 KB per transaction
    /// instead of 48–50, for the same CPU (docs/benchmarks.md, "Round 10"). 1 KiB pages wrote about
    /// a third less again, but heights slowed at 4,000–5,000/s, and 512-byte pages slowed them at
    /// 2,500/s ("Round 12").
    static let pageSize = 2_048

    /// The writer's page cache in KiB. A large block's dirty pages must fit, or SQLite spills them
    /// to the WAL in the middle of the transaction and writes them again at its commit.
    static let writerCacheKiB = 65_536

    /// Opens the store at `path`, creating it (schema and the genesis state) when the file is new or
    /// empty, and checking on an existing store that it holds `genesis`'s chain.
    ///
    /// Throws ``StoreError/Code/notALedgerStore`` for a file that is not SQLite or belongs to another
    /// application, ``StoreError/Code/unsupportedSchema`` for a newer schema, and
    /// ``StoreError/Code/genesisMismatch`` for another chain's store.
    ///
    /// `nodeCacheCapacity` bounds the sparse-tree nodes kept in memory for the next blocks' tree
    /// updates, `recordCacheCapacity` the latest state's records kept for admission and execution
    /// (0: none). `checkpoints` says when the WAL is copied into the database file (by default
    /// ``WALCheckpointLimits/standard(pageSize:)`` for the file's pages). `indexRuns` says how the
    /// transaction-id and readings indexes merge their runs.
    public init(path: String, genesis: Genesis,
                retainedVersions: UInt64 = StoreLimits.defaultRetainedVersions,
                nodeCacheCapacity: Int = 100_000, recordCacheCapacity: Int = 100_000,
                checkpoints: WALCheckpointLimits? = nil, indexRuns: SortedRunLimits = .standard) throws {
        self.path = path
        self.runLimits = indexRuns
        self.retainedVersions = max(retainedVersions, 1)
        self.nodeCache = SparseNodeCache(capacity: nodeCacheCapacity)
        try Self.checkFileHeader(path)
        // Every connection of the store is opened on the default VFS, so it is installed first.
        WALGatheringVFS.install()
        var configuration = Configuration()
        configuration.label = "FogStoreSQLite"
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // Takes effect only when the file is created: an older store keeps its page size.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA page_size = \(Self.pageSize)") }
        }
        do {
            try Self.checkOwnership(path)
            pool = try DatabasePool(path: path, configuration: configuration)
            // DatabasePool sets synchronous = NORMAL with WAL, after `prepareDatabase`: a transaction
            // committed under NORMAL can be lost on power failure. FULL fsyncs the WAL at every commit.
            // The writer is one long-lived connection, so this holds for every later write.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                try db.execute(sql: "PRAGMA cache_size = -\(Self.writerCacheKiB)")
            }
            metadata = try Self.setUp(pool, genesis: genesis)
            let limits = try checkpoints ?? .standard(pageSize: Self.pageSize(of: pool))
            let checkpointer = try WALCheckpointer(path: path, limits: limits)
            pool.writeWithoutTransaction { db in checkpointer.install(on: db) }
            self.checkpointer = checkpointer
            hasLegacyNodes = try pool.read { db in try db.tableExists(SQLiteSchema.legacyNodesTable) }
            let latestBlock = try pool.read { db in
                let height = try SQLiteSchema.latestHeight(db)
                return LatestBlock(height: height, header: try SQLiteSchema.header(at: height, db),
                                   commit: try SQLiteSchema.commit(at: height, db))
            }
            latest = Mutex(latestBlock)
            let catalogs = try pool.read(RunCatalogs.load)
            runCatalogs = Mutex(catalogs)
            runFilters = Mutex(catalogs.completeFilters)
            recordCache = LatestRecordCache(capacity: recordCacheCapacity, height: latestBlock.height)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
            throw StoreError(.notALedgerStore, "\(path) is not a FogLedger store: \(error.message ?? "\(error)")")
        }
    }

    /// The checkpoints completed so far: in the background, and by the writer in a commit (when
    /// the WAL reached ``WALCheckpointLimits/inline`` pages).
    public var walCheckpoints: (background: Int, inline: Int) { checkpointer.runs }

    /// Copies every committed page from the WAL into the database file and truncates the WAL
    /// (`PRAGMA wal_checkpoint(TRUNCATE)`), so the database file alone holds the ledger; for
    /// measuring its size. Waits for a background checkpoint first (two cannot run at once).
    public func checkpoint() throws {
        checkpointer.waitForBackground()
        try pool.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
        }
    }

    /// The magic string of every SQLite file (its first 16 bytes).
    private static let sqliteMagic = Array("SQLite format 3\0".utf8)

    /// Rejects a non-empty file that is not SQLite before SQLite touches it.
    private static func checkFileHeader(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 16)) ?? Data())
        guard head.isEmpty || head == sqliteMagic else {
            throw StoreError(.notALedgerStore, "\(path) is not a FogLedger store: not an SQLite database")
        }
    }

    /// Refuses another application's SQLite database (tables, and not our application id) or a
    /// newer schema, through a plain connection that leaves the file as it is (a pool would switch
    /// it to WAL).
    private static func checkOwnership(_ path: String) throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        // A store crashed before its first checkpoint may hold everything in its WAL.
        guard size > 0 || FileManager.default.fileExists(atPath: path + "-wal") else { return }
        let queue = try DatabaseQueue(path: path)
        try queue.read { db in
            let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            let tables = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                """)
            if applicationID != SQLiteSchema.applicationID, !tables.isEmpty {
                throw StoreError(.notALedgerStore, "\(path) belongs to another application (tables: \(tables.sorted().joined(separator: ", ")))")
            }
            if applicationID == SQLiteSchema.applicationID, try SQLiteSchema.migrator.hasBeenSuperseded(db) {
                throw StoreError(.unsupportedSchema, "the schema of \(path) is newer than this build (migrations \(try SQLiteSchema.migrator.appliedIdentifiers(db).sorted()))")
            }
        }
        try queue.close()
    }

    /// Migrates the schema and writes (new store) or checks (existing store) the metadata.
    private static func setUp(_ pool: DatabasePool, genesis: Genesis) throws -> StoreMetadata {
        let migrator = SQLiteSchema.migrator
        try migrator.migrate(pool)
        return try pool.write { db in
            if let stored = try SQLiteSchema.readMetadata(db) {
                guard stored.genesisHash == genesis.hash else {
                    throw StoreError(.genesisMismatch, "the store holds chain \(stored.chainID) of genesis \(stored.genesisHash), not \(genesis.chainID) of \(genesis.hash)")
                }
                return stored
            }
            let diff = try GenesisState.diff(genesis, in: InMemorySparseMerkleNodeStore())
            let metadata = StoreMetadata(chainID: genesis.chainID, genesisHash: genesis.hash, genesisStateRoot: diff.root)
            try SQLiteSchema.writeMetadata(metadata, genesis: genesis, db)
            try SQLiteSchema.apply(diff, db)
            return metadata
        }
    }

    /// The writer connection's `PRAGMA synchronous` (2 = FULL).
    public func writerSynchronousMode() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The journal mode ("wal").
    public func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// The file's page size in bytes.
    public func pageSize() throws -> Int { try Self.pageSize(of: pool) }

    private static func pageSize(of pool: DatabasePool) throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0 }
    }

    /// Checks the file (`PRAGMA integrity_check`) and that nothing lies beyond the latest block:
    /// no receipt, reading, commit or state version above it, one stored block per height, as many
    /// transaction ids in the live runs as receipts and two entries per reading in the readings'
    /// live runs, each entry's key in its run's filter.
    /// Throws ``StoreError/Code/corrupt`` otherwise.
    public func verifyIntegrity() throws {
        try pool.read { db in
            let check = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            guard check == ["ok"] else {
                throw StoreError(.corrupt, "integrity check: \(check.prefix(5).joined(separator: "; "))")
            }
            let latest = try SQLiteSchema.latestHeight(db)
            let blocks = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM blocks") ?? 0
            guard blocks == Int64(latest) else {
                throw StoreError(.corrupt, "\(blocks) blocks stored for heights 1...\(latest)")
            }
            let receipts = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM receipts") ?? 0
            let indexed = try SortedRuns.checkedLiveEntryCount(.transactions, db)
            guard indexed == receipts else {
                throw StoreError(.corrupt, "\(receipts) receipts, but \(indexed) transaction ids in the live runs")
            }
            let readings = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM readings") ?? 0
            let readingEntries = try SortedRuns.checkedLiveEntryCount(.readings, db)
            guard readingEntries == 2 * readings else {
                throw StoreError(.corrupt, "\(readings) readings, but \(readingEntries) entries in the readings' live runs")
            }
            let aboveRows = BlockRowID.above(latest), aboveHeights = Int64(latest) + 1
            let bounds = [("receipts", "id", aboveRows), ("readings", "id", aboveRows), ("commits", "height", aboveHeights),
                          ("state_versions", "height", aboveHeights), ("state_changes", "height", aboveHeights),
                          ("validator_set_changes", "height", aboveHeights)]
            for (table, column, above) in bounds {
                let beyond = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(column) >= ?",
                                                arguments: [above]) ?? 0
                guard beyond == 0 else {
                    throw StoreError(.corrupt, "\(beyond) rows of \(table) above the latest height \(latest)")
                }
            }
        }
    }

    // MARK: writes

    public func commitBlock(_ commitment: BlockCommitment) throws {
        let filters = try runCatalogs.withLock { stored in
            var runs = try stored ?? pool.read(RunCatalogs.load)
            // Taken out while the block is written, so a write that fails and rolls back leaves the
            // catalog to be read again.
            stored = nil
            try write(commitment, runs: &runs)
            stored = runs
            return runs.completeFilters
        }
        runFilters.withLock { $0 = filters }
        latest.withLock { latest in
            guard commitment.block.header.height > latest.height else { return }
            latest = LatestBlock(height: commitment.block.header.height, header: commitment.block.header,
                                 commit: commitment.commit)
        }
        // Committed: the new records and nodes are in the database now.
        recordCache.apply(commitment.state.changes, height: commitment.block.header.height)
        nodeCache.insert(commitment.state.newNodes)
    }

    /// Writes a checked block in one transaction, with its entries in both indexes (`runs`: their
    /// catalogs).
    private func write(_ commitment: BlockCommitment, runs: inout RunCatalogs) throws {
        try pool.write { db in
            let latest = try SQLiteSchema.latestHeight(db)
            let latestBlockID = try SQLiteSchema.blockID(at: latest, db)
            let latestRoot = try SQLiteSchema.stateRoot(at: latest, metadata: metadata, db)
            try commitment.check(metadata: metadata, latestHeight: latest, latestBlockID: latestBlockID,
                                 latestStateRoot: latestRoot ?? metadata.genesisStateRoot)
            try SQLiteSchema.insert(commitment, db)
            let height = commitment.block.header.height
            try SortedRuns.record(TransactionRunEntries.sortedRun(commitment.receipts.map(\.transactionID), height: height),
                                  .transactions, limits: runLimits, &runs.transactions, db)
            try SortedRuns.record(ReadingRunEntries.sortedRun(commitment.readings, height: height),
                                  .readings, limits: runLimits, &runs.readings, db)
            try SQLiteSchema.prune(latest: height, retained: retainedVersions, db)
        }
    }

    public func attachCommit(_ commit: Commit) throws {
        try pool.write { db in
            try BlockCommitment.check(commit, height: commit.height, blockID: try SQLiteSchema.blockID(at: commit.height, db))
            try SQLiteSchema.putCommit(commit, db)
        }
        latest.withLock { latest in
            if latest.height == commit.height { latest.commit = commit }
        }
    }

    // MARK: reads

    public func latestHeight() throws -> UInt64 {
        latest.withLock { $0.height }
    }

    public func stateRoot(at height: UInt64) throws -> Hash256? {
        if let header = latestHeader(at: height) { return header.stateRoot }
        return try pool.read { db in try SQLiteSchema.stateRoot(at: height, metadata: metadata, db) }
    }

    public func block(at height: UInt64) throws -> Block? {
        guard let height = SQLiteSchema.sqlHeight(height) else { return nil }
        return try pool.read { db in
            try Data.fetchOne(db, sql: "SELECT block FROM blocks WHERE height = ?", arguments: [height])
        }.map { try SQLiteSchema.decode(Block.self, $0) }
    }

    public func header(at height: UInt64) throws -> BlockHeader? {
        if let header = latestHeader(at: height) { return header }
        return try pool.read { db in try SQLiteSchema.header(at: height, db) }
    }

    public func commit(at height: UInt64) throws -> Commit? {
        if let commit = latest.withLock({ $0.height == height ? $0.commit : nil }) { return commit }
        return try pool.read { db in try SQLiteSchema.commit(at: height, db) }
    }

    /// The latest block's header when `height` is its height.
    private func latestHeader(at height: UInt64) -> BlockHeader? {
        latest.withLock { $0.height == height ? $0.header : nil }
    }

    public func block(id: Hash256) throws -> Block? {
        try pool.read { db in
            try Data.fetchOne(db, sql: "SELECT block FROM blocks WHERE block_id = ?", arguments: [Data(id.bytes)])
        }.map { try SQLiteSchema.decode(Block.self, $0) }
    }

    public func receipts(transactionID: Hash256) throws -> [StoredReceipt] {
        try pool.read { db in
            let (lower, upper) = TransactionRunEntries.bounds(of: transactionID)
            let entries = try SortedRuns.entries(from: lower, before: upper, limit: .max,
                                                 key: TransactionRunEntries.filterKey(transactionID),
                                                 filters: runFilters.withLock { $0.transactions }, .transactions, db)
            let row = try db.cachedStatement(sql: "SELECT receipt FROM receipts WHERE id = ?")
            return try entries.map(TransactionRunEntries.location).map { location in
                guard let id = BlockRowID(height: location.height, position: UInt64(location.index)),
                      let data = try Data.fetchOne(row, arguments: [id.value]),
                      case let receipt = try SQLiteSchema.decode(Receipt.self, data), receipt.transactionID == transactionID
                else { throw StoreError(.corrupt, "no receipt of \(transactionID) at \(location.height):\(location.index)") }
                return StoredReceipt(receipt: receipt, location: location)
            }
        }
    }

    public func receipts(height: UInt64) throws -> [Receipt] {
        guard let ids = BlockRowID.block(height) else { return [] }
        return try pool.read { db in
            try Data.fetchAll(db.cachedStatement(sql: "SELECT receipt FROM receipts WHERE id BETWEEN ? AND ? ORDER BY id"),
                              arguments: [ids.lowerBound, ids.upperBound])
        }.map { try SQLiteSchema.decode(Receipt.self, $0) }
    }

    public func validatorSetChangeHeights(below height: UInt64) throws -> [UInt64] {
        try pool.read { db in
            try Int64.fetchAll(db.cachedStatement(sql: "SELECT height FROM validator_set_changes WHERE height < ? ORDER BY height"),
                               arguments: [Int64(clamping: height)])
        }.map { UInt64($0) }
    }

    public func readings(device: Address, timeMillis range: Range<UInt64>, after cursor: ReadingCursor?,
                         limit: Int) throws -> ReadingPage {
        try StoreLimits.checkPageSize(limit)
        let (lower, upper) = ReadingRunEntries.timeBounds(device, range, after: cursor)
        let matching = try storedReadings(from: lower, before: upper, limit: limit + 1, device: device)
        return ReadingPage(limited: matching, limit: limit)
    }

    public func reading(device: Address, sequence: UInt64) throws -> StoredReading? {
        let (lower, upper) = ReadingRunEntries.sequenceBounds(device, sequence)
        return try storedReadings(from: lower, before: upper, limit: 1, device: device).first
    }

    /// The readings the first `limit` entries of `device` at least `lower` and below `upper` name,
    /// in the entries' order, each checked against its entry.
    private func storedReadings(from lower: [UInt8], before upper: [UInt8], limit: Int,
                                device: Address) throws -> [StoredReading] {
        try pool.read { db in
            let entries = try SortedRuns.entries(from: lower, before: upper, limit: limit,
                                                 key: ReadingRunEntries.filterKey(device),
                                                 filters: runFilters.withLock { $0.readings }, .readings, db)
            let row = try db.cachedStatement(sql: "SELECT reading FROM readings WHERE id = ?")
            return try entries.map { entry in
                let (height, position) = ReadingRunEntries.location(entry)
                guard let id = BlockRowID(height: height, position: UInt64(position)),
                      let data = try Data.fetchOne(row, arguments: [id.value]) else {
                    throw StoreError(.corrupt, "no reading at \(height):\(position), which the readings index names")
                }
                let reading = try SQLiteSchema.decode(Reading.self, data)
                guard ReadingRunEntries.names(entry, reading) else {
                    throw StoreError(.corrupt, "the reading at \(height):\(position) is not the one the readings index names")
                }
                return StoredReading(reading: reading, height: height, index: position)
            }
        }
    }

    public func record(_ key: Hash256, at height: UInt64) throws -> [UInt8]? {
        try pool.read { db in
            try StoreLimits.checkReadable(height, latest: try SQLiteSchema.latestHeight(db), retained: retainedVersions)
            return try SQLiteSchema.record(key, at: height, db)
        }
    }

    // StateReader: the latest state.

    public func record(_ key: Hash256) throws -> [UInt8]? {
        if let cached = recordCache.record(key) { return cached }
        let (record, height) = try pool.read { db in
            (try SQLiteSchema.record(key, at: nil, db), try SQLiteSchema.latestHeight(db))
        }
        recordCache.insert(record, for: key, readAt: height)
        return record
    }

    public func node(_ hash: Hash256, version: UInt64) throws -> SparseMerkleStoredNode? {
        if let cached = nodeCache.node(hash) { return cached }
        guard let sqlVersion = SQLiteSchema.sqlHeight(version) else { return nil }
        let hashBytes = Data(hash.bytes)
        let stored = try pool.read { db -> Data? in
            if let data = try Data.fetchOne(
                db.cachedStatement(sql: "SELECT node FROM smt_nodes WHERE version = ? AND hash = ?"),
                arguments: [sqlVersion, hashBytes]) {
                return data
            }
            guard hasLegacyNodes else { return nil }
            return try Data.fetchOne(
                db.cachedStatement(sql: "SELECT node FROM \(SQLiteSchema.legacyNodesTable) WHERE hash = ?"),
                arguments: [hashBytes])
        }.map { try SQLiteSchema.decodeNode($0, hash: hash) }
        if let stored { nodeCache.insert(CollectionOfOne((hash: hash, node: stored))) }
        return stored
    }
}
