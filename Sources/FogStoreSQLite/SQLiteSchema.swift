import Foundation
import FogCrypto
import FogExecution
import FogMerkle
import FogStore
import FogTypes
import GRDB

/// The schema of the SQLite store and the SQL of its reads and writes.
///
/// Integers: heights and positions are stored as they are (below 2^63); a receipt or reading row's
/// (height, position) is its rowid (``BlockRowID``). Readings are found through the entries of their
/// index (``ReadingRunEntries``), whose numbers are big-endian bytes.
enum SQLiteSchema {
    /// `PRAGMA application_id` of a FogLedger store: "FOGL".
    static let applicationID: Int32 = 0x464F_474C
    /// `PRAGMA user_version`: the schema version, the number of migrations.
    static let schemaVersion = 8
    /// Where a store made before schema 2 keeps its tree nodes (by hash alone); dropped when empty.
    static let legacyNodesTable = "smt_nodes_v1"

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-ledger") { db in
            try db.execute(sql: """
                CREATE TABLE metadata (
                    name  TEXT PRIMARY KEY NOT NULL,
                    value BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE blocks (
                    height     INTEGER PRIMARY KEY NOT NULL,
                    block_id   BLOB NOT NULL UNIQUE,
                    state_root BLOB NOT NULL,
                    header     BLOB NOT NULL,
                    block      BLOB NOT NULL
                );
                CREATE TABLE commits (
                    height       INTEGER PRIMARY KEY NOT NULL REFERENCES blocks(height),
                    commit_bytes BLOB NOT NULL
                );
                \(SchemaTables.receiptsV1)
                CREATE INDEX receipts_by_tx ON receipts(tx_id);
                \(SchemaTables.readingsV1)
                CREATE TABLE state_versions (
                    state_key BLOB NOT NULL,
                    height    INTEGER NOT NULL,
                    record    BLOB,
                    PRIMARY KEY (state_key, height)
                ) WITHOUT ROWID;
                CREATE INDEX state_versions_by_height ON state_versions(height);
                CREATE TABLE smt_nodes (
                    hash BLOB PRIMARY KEY NOT NULL,
                    node BLOB NOT NULL
                ) WITHOUT ROWID;
                PRAGMA application_id = \(applicationID);
                PRAGMA user_version = 1;
                """)
        }
        // Tree nodes by (version, hash): a block's nodes share its height, so they are appended at
        // the end of the table instead of inserted at random places of an index over hashes (which
        // dirtied about one page per node once the table outgrew the page cache). An older store's
        // nodes stay in the legacy table, read by hash when a lookup misses.
        migrator.registerMigration("v2-versioned-tree-nodes") { db in
            try db.execute(sql: """
                ALTER TABLE smt_nodes RENAME TO \(legacyNodesTable);
                CREATE TABLE smt_nodes (
                    version INTEGER NOT NULL,
                    hash    BLOB NOT NULL,
                    node    BLOB NOT NULL,
                    PRIMARY KEY (version, hash)
                ) WITHOUT ROWID;
                UPDATE metadata SET value = CAST('2' AS BLOB) WHERE name = 'schema_version';
                PRAGMA user_version = 2;
                """)
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(legacyNodesTable))") != true {
                try db.execute(sql: "DROP TABLE \(legacyNodesTable)")
            }
        }
        // Transaction ids in sorted runs (``SortedRuns``) instead of an index over receipts: a
        // block's ids landed at random places of that index, a page each. A store's existing ids
        // become one run, at the level its number of blocks would have reached by merging.
        migrator.registerMigration("v3-transaction-runs") { db in
            try db.execute(sql: """
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
                """)
            let level = SortedRunLimits.standard.level(ofBlocks: try latestHeight(db))
            try SortedRuns.writeRun(level: level, .transactions, db) { add in
                let rows = try Row.fetchCursor(db, sql: "SELECT tx_id, height, position FROM receipts ORDER BY tx_id, height, position")
                while let row = try rows.next() {
                    try add(TransactionRunEntries.entry(try hash(row["tx_id"], "transaction id"), at: TransactionLocation(
                        height: UInt64(row["height"] as Int64), index: UInt32(row["position"] as Int64))))
                }
            }
            try db.execute(sql: """
                DROP INDEX receipts_by_tx;
                UPDATE metadata SET value = CAST('3' AS BLOB) WHERE name = 'schema_version';
                PRAGMA user_version = 3;
                """)
        }
        // A filter of each run's ids (``RunFilter``), so that a lookup reads only the runs that may
        // hold its id; an older store's live runs get theirs from their chunks.
        migrator.registerMigration("v4-transaction-run-filters") { db in
            try db.execute(sql: "ALTER TABLE tx_runs ADD COLUMN id_filter BLOB")
            try SortedRuns.fillFilters(.transactions, db)
            try db.execute(sql: """
                UPDATE metadata SET value = CAST('4' AS BLOB) WHERE name = 'schema_version';
                PRAGMA user_version = 4;
                """)
        }
        // The heights where the validator set changes, so that a proof's history (spec/light-client.md
        // §4) is found without reading every header below the proven height; an older store's come
        // from its headers.
        migrator.registerMigration("v5-validator-set-changes") { db in
            try db.execute(sql: "CREATE TABLE validator_set_changes (height INTEGER PRIMARY KEY NOT NULL)")
            let headers = try Data.fetchCursor(db, sql: "SELECT header FROM blocks ORDER BY height")
            while let bytes = try headers.next() {
                try noteValidatorSetChange(try decode(BlockHeader.self, bytes), db)
            }
            try db.execute(sql: """
                UPDATE metadata SET value = CAST('5' AS BLOB) WHERE name = 'schema_version';
                PRAGMA user_version = 5;
                """)
        }
        // Readings appended by (height, position), and found by device through sorted runs
        // (``ReadingRunEntries``) instead of a table keyed by (device, time, seq): a block dirtied a
        // page of that table per device (docs/benchmarks.md, "Round 21"), and a lookup by sequence
        // number read all of a device's readings. A store's existing readings become one run.
        migrator.registerMigration("v6-reading-runs") { db in
            try db.execute(sql: RunLayout.readings.schema + """
                ALTER TABLE readings RENAME TO readings_v5;
                \(SchemaTables.readingsV6)
                INSERT INTO readings (height, position, reading)
                    SELECT height, position, reading FROM readings_v5 ORDER BY height, position;
                """)
            let level = SortedRunLimits.standard.level(ofBlocks: try latestHeight(db))
            try SortedRuns.writeRun(level: level, .readings, db) { add in
                // By kind, then in each kind's order.
                for (kind, order) in [(ReadingRunEntries.Kind.byTime, "time_ms, seq"), (.bySequence, "seq")] {
                    let rows = try Row.fetchCursor(db, sql: """
                        SELECT device, time_ms, seq, height, position FROM readings_v5 ORDER BY device, \(order), height, position
                        """)
                    while let row = try rows.next() {
                        guard let device = Address(bytes: [UInt8](row["device"] as Data)) else {
                            throw StoreError(.corrupt, "a reading's device is not an address")
                        }
                        let time = unordered(row["time_ms"]), sequence = unordered(row["seq"])
                        try add(ReadingRunEntries.entry(kind, device, kind == .byTime ? time : sequence,
                                                        kind == .byTime ? sequence : 0, height: UInt64(row["height"] as Int64),
                                                        position: UInt32(row["position"] as Int64)))
                    }
                }
            }
            try SortedRuns.fillFilters(.readings, db)
            try db.execute(sql: """
                DROP TABLE readings_v5;
                UPDATE metadata SET value = CAST('6' AS BLOB) WHERE name = 'schema_version';
                PRAGMA user_version = 6;
                """)
        }
        // Receipts and readings keyed by their rowid (``BlockRowID``) instead of (height, position)
        // in `WITHOUT ROWID` tables, so that a block's rows take SQLite's append path; a receipt's
        // transaction id, which its encoding holds, is no longer a column of its own.
        migrator.registerMigration("v7-block-rowids") { db in
            try db.execute(sql: """
                ALTER TABLE receipts RENAME TO receipts_v6;
                ALTER TABLE readings RENAME TO readings_v6;
                \(SchemaTables.blockRowsV7)
                INSERT INTO receipts (id, receipt)
                    SELECT height << \(BlockRowID.positionBits) | position, receipt FROM receipts_v6 ORDER BY height, position;
                INSERT INTO readings (id, reading)
                    SELECT height << \(BlockRowID.positionBits) | position, reading FROM readings_v6 ORDER BY height, position;
                DROP TABLE receipts_v6;
                DROP TABLE readings_v6;
                UPDATE metadata SET value = CAST('7' AS BLOB) WHERE name = 'schema_version';
                PRAGMA user_version = 7;
                """)
        }
        // The keys each height changed, one row per block, for pruning, instead of an index of the
        // state versions by height: that index took a random place per changed key at every block.
        migrator.registerMigration("v8-state-changes") { db in
            try db.execute(sql: "CREATE TABLE state_changes (height INTEGER PRIMARY KEY NOT NULL, keys BLOB NOT NULL)")
            let rows = try Row.fetchCursor(db, sql: "SELECT height, state_key FROM state_versions ORDER BY height")
            var pending: (height: Int64, keys: Data)?
            while let row = try rows.next() {
                let height: Int64 = row["height"], key: Data = row["state_key"]
                if var current = pending, current.height == height {
                    current.keys += key
                    pending = current
                } else {
                    if let current = pending { try insertStateChanges(current, db) }
                    pending = (height, key)
                }
            }
            if let pending { try insertStateChanges(pending, db) }
            try db.execute(sql: """
                DROP INDEX state_versions_by_height;
                UPDATE metadata SET value = CAST('8' AS BLOB) WHERE name = 'schema_version';
                PRAGMA user_version = 8;
                """)
        }
        return migrator
    }

    /// Records that `changes.height` changed the state keys `changes.keys` (32 bytes each, end to end).
    static func insertStateChanges(_ changes: (height: Int64, keys: Data), _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO state_changes (height, keys) VALUES (?, ?)")
            .execute(arguments: [changes.height, changes.keys])
    }

    // MARK: values

    /// A reading's time or sequence number as schema 5 stored it (`stored`: the value with its top
    /// bit flipped, so that SQLite's signed order was the unsigned order).
    static func unordered(_ stored: Int64) -> UInt64 { UInt64(bitPattern: stored) ^ (1 << 63) }

    /// A height as SQLite stores it, `nil` when it cannot be one.
    static func sqlHeight(_ height: UInt64) -> Int64? { Int64(exactly: height) }

    static func hash(_ data: Data, _ what: String) throws -> Hash256 {
        guard let hash = Hash256(bytes: data) else { throw StoreError(.corrupt, "\(what) is not 32 bytes") }
        return hash
    }

    static func decode<Object: CanonicalObject>(_ type: Object.Type, _ data: Data) throws -> Object {
        do {
            return try Object.decode([UInt8](data))
        } catch {
            throw StoreError(.corrupt, "stored \(Object.objectType) does not decode: \(error)")
        }
    }

    /// A node: `0x00 ‖ key ‖ valueHash` (leaf) or `0x01 ‖ left ‖ right ‖ leftVersion ‖ rightVersion`
    /// (branch; versions as 8 bytes, big-endian).
    static func encodeNode(_ stored: SparseMerkleStoredNode) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(81)
        switch stored.node {
        case let .leaf(key, valueHash):
            bytes.append(0)
            key.appendBytes(to: &bytes)
            valueHash.appendBytes(to: &bytes)
        case let .branch(left, right):
            bytes.append(1)
            left.appendBytes(to: &bytes)
            right.appendBytes(to: &bytes)
            withUnsafeBytes(of: stored.leftVersion.bigEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: stored.rightVersion.bigEndian) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes)
    }

    /// Decodes a node stored under `hash` and checks that it hashes to it. A legacy branch (65
    /// bytes, without child versions) gets versions 0: its children are legacy nodes, found by hash.
    static func decodeNode(_ data: Data, hash: Hash256) throws -> SparseMerkleStoredNode {
        let bytes = [UInt8](data)
        guard bytes.count >= 65, let a = Hash256(bytes: bytes[1..<33]), let b = Hash256(bytes: bytes[33..<65]) else {
            throw StoreError(.corrupt, "tree node \(hash) is malformed")
        }
        let stored: SparseMerkleStoredNode
        switch (bytes[0], bytes.count) {
        case (0, 65): stored = SparseMerkleStoredNode(.leaf(key: a, valueHash: b))
        case (1, 65): stored = SparseMerkleStoredNode(.branch(left: a, right: b))
        case (1, 81):
            stored = SparseMerkleStoredNode(.branch(left: a, right: b), leftVersion: bigEndian(bytes[65..<73]),
                                            rightVersion: bigEndian(bytes[73..<81]))
        default: throw StoreError(.corrupt, "tree node \(hash) has kind \(bytes[0]) and \(bytes.count) bytes")
        }
        guard stored.node.hash == hash else {
            throw StoreError(.corrupt, "tree node stored under \(hash) hashes to \(stored.node.hash)")
        }
        return stored
    }

    /// The unsigned integer whose big-endian bytes are `bytes` (at most 8).
    static func bigEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    // MARK: metadata

    static func writeMetadata(_ metadata: StoreMetadata, genesis: Genesis, _ db: Database) throws {
        let entries: [(String, Data)] = [
            ("chain_id", Data(metadata.chainID.value.utf8)),
            ("genesis_hash", Data(metadata.genesisHash.bytes)),
            ("genesis_state_root", Data(metadata.genesisStateRoot.bytes)),
            ("genesis", Data(genesis.encoded)),
            ("schema_version", Data(String(schemaVersion).utf8)),
        ]
        for (name, value) in entries {
            try db.execute(sql: "INSERT INTO metadata (name, value) VALUES (?, ?)", arguments: [name, value])
        }
    }

    static func readMetadata(_ db: Database) throws -> StoreMetadata? {
        let rows = try Row.fetchAll(db, sql: "SELECT name, value FROM metadata")
        guard !rows.isEmpty else { return nil }
        var values: [String: Data] = [:]
        for row in rows { values[row["name"]] = row["value"] as Data }
        guard let chain = values["chain_id"], let genesisHash = values["genesis_hash"],
              let root = values["genesis_state_root"],
              let chainID = try? ChainID(String(decoding: chain, as: UTF8.self)) else {
            throw StoreError(.corrupt, "the store's metadata is incomplete")
        }
        return StoreMetadata(chainID: chainID, genesisHash: try hash(genesisHash, "genesis hash"),
                             genesisStateRoot: try hash(root, "genesis state root"))
    }

    // MARK: chain

    static func latestHeight(_ db: Database) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(height) FROM blocks")) ?? 0)
    }

    static func blockID(at height: UInt64, _ db: Database) throws -> Hash256? {
        guard let height = sqlHeight(height),
              let data = try Data.fetchOne(db.cachedStatement(sql: "SELECT block_id FROM blocks WHERE height = ?"),
                                             arguments: [height])
        else { return nil }
        return try hash(data, "block id")
    }

    static func stateRoot(at height: UInt64, metadata: StoreMetadata, _ db: Database) throws -> Hash256? {
        if height == 0 { return metadata.genesisStateRoot }
        guard let height = sqlHeight(height),
              let data = try Data.fetchOne(db.cachedStatement(sql: "SELECT state_root FROM blocks WHERE height = ?"),
                                             arguments: [height])
        else { return nil }
        return try hash(data, "state root")
    }

    static func header(at height: UInt64, _ db: Database) throws -> BlockHeader? {
        guard let height = sqlHeight(height) else { return nil }
        return try Data.fetchOne(db.cachedStatement(sql: "SELECT header FROM blocks WHERE height = ?"), arguments: [height])
            .map { try decode(BlockHeader.self, $0) }
    }

    static func commit(at height: UInt64, _ db: Database) throws -> Commit? {
        guard let height = sqlHeight(height) else { return nil }
        return try Data.fetchOne(db.cachedStatement(sql: "SELECT commit_bytes FROM commits WHERE height = ?"),
                                 arguments: [height])
            .map { try decode(Commit.self, $0) }
    }

    static func putCommit(_ commit: Commit, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO commits (height, commit_bytes) VALUES (?, ?)")
            .execute(arguments: [Int64(commit.height), Data(commit.encoded)])
    }

    /// Writes a checked block commitment (the caller's transaction makes it atomic). Every statement
    /// of a block's write is compiled once per connection: compiling them cost as much as running them.
    static func insert(_ commitment: BlockCommitment, _ db: Database) throws {
        let header = commitment.block.header
        let height = Int64(header.height)
        try db.cachedStatement(sql: """
            INSERT INTO blocks (height, block_id, state_root, header, block) VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [height, Data(header.blockID.bytes), Data(header.stateRoot.bytes),
                                     Data(header.encoded), Data(commitment.block.encoded)])
        if let lastCommit = commitment.block.lastCommit { try putCommit(lastCommit, db) }
        if let commit = commitment.commit { try putCommit(commit, db) }
        try noteValidatorSetChange(header, db)

        let receipt = try db.cachedStatement(sql: "INSERT INTO receipts (id, receipt) VALUES (?, ?)")
        for (position, value) in commitment.receipts.enumerated() {
            try receipt.execute(arguments: [try BlockRowID.writing(height: header.height, position: position), Data(value.encoded)])
        }
        // Found by device through the readings' runs (``ReadingRunEntries``), written beside.
        let reading = try db.cachedStatement(sql: "INSERT INTO readings (id, reading) VALUES (?, ?)")
        for (position, encoding) in commitment.readingEncodings.enumerated() {
            try reading.execute(arguments: [try BlockRowID.writing(height: header.height, position: position), Data(encoding)])
        }
        try apply(commitment.state, db)
    }

    /// Records `header`'s height when it names a next validator set other than its own.
    static func noteValidatorSetChange(_ header: BlockHeader, _ db: Database) throws {
        guard header.changesValidatorSet else { return }
        try db.cachedStatement(sql: "INSERT INTO validator_set_changes (height) VALUES (?)").execute(arguments: [Int64(header.height)])
    }

    /// Writes a state diff's record versions and its new tree nodes at its height (``StateDiff/version``).
    static func apply(_ diff: StateDiff, _ db: Database) throws {
        let height = Int64(diff.version)
        let record = try db.cachedStatement(sql: """
            INSERT INTO state_versions (state_key, height, record) VALUES (?, ?, ?)
            """)
        for change in diff.changes {
            try record.execute(arguments: [Data(change.key.bytes), height, change.record.map { Data($0) }])
        }
        if !diff.changes.isEmpty {
            try insertStateChanges((height, Data(diff.changes.flatMap(\.key.bytes))), db)
        }
        let node = try db.cachedStatement(sql: "INSERT OR IGNORE INTO smt_nodes (version, hash, node) VALUES (?, ?, ?)")
        for (hash, value) in diff.newNodes {
            try node.execute(arguments: [height, Data(hash.bytes), encodeNode(value)])
        }
    }

    /// Pruning runs at every oldest retained height divisible by this, for every height since it
    /// last ran. The versions it drops sit at the front of each key's range in `state_versions`, so
    /// a key changed at every block costs one page write per run instead of one per block; the
    /// versions kept a little longer are below the oldest retained height, which no read reaches.
    static let pruneEveryHeights: UInt64 = 8

    /// Drops the state versions no retained height reads, once the oldest retained height is a
    /// multiple of ``pruneEveryHeights``: for each height up to it that `state_changes` still holds,
    /// the older versions of the keys it changed and their removals at that height; then those rows.
    static func prune(latest: UInt64, retained: UInt64, _ db: Database) throws {
        let floor = StoreLimits.oldestRetained(latest: latest, retained: retained)
        guard floor > 0, floor % pruneEveryHeights == 0, let floorHeight = sqlHeight(floor) else { return }
        let changes = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT height, keys FROM state_changes WHERE height <= ? ORDER BY height
            """), arguments: [floorHeight])
        for row in changes {
            let height: Int64 = row["height"], keys: Data = row["keys"]
            try dropSupersededVersions(keys: keys, changedAt: height, db)
        }
        try db.cachedStatement(sql: "DELETE FROM state_changes WHERE height <= ?").execute(arguments: [floorHeight])
    }

    /// Drops, for each of `keys` (32 bytes each, end to end) changed at `height`, its versions below
    /// `height` and a removal at `height`: no height from `height` on reads them.
    private static func dropSupersededVersions(keys: Data, changedAt height: Int64, _ db: Database) throws {
        guard keys.count % Hash256.byteCount == 0 else {
            throw StoreError(.corrupt, "the keys changed at height \(height) are \(keys.count) bytes")
        }
        // Each key of the blob, as rows, for one statement per kind of version dropped.
        let changedKeys = """
            WITH RECURSIVE offsets(start) AS (
                SELECT 1 UNION ALL SELECT start + 32 FROM offsets WHERE start + 32 <= length(:keys)
            )
            """
        let arguments: StatementArguments = ["keys": keys, "height": height]
        try db.cachedStatement(sql: changedKeys + """
            DELETE FROM state_versions
            WHERE state_key IN (SELECT substr(:keys, start, 32) FROM offsets) AND height < :height
            """).execute(arguments: arguments)
        try db.cachedStatement(sql: changedKeys + """
            DELETE FROM state_versions
            WHERE state_key IN (SELECT substr(:keys, start, 32) FROM offsets) AND height = :height AND record IS NULL
            """).execute(arguments: arguments)
    }

    /// The record under `key` at `height` (the latest version at or below it), or at the latest height.
    static func record(_ key: Hash256, at height: UInt64?, _ db: Database) throws -> [UInt8]? {
        // Cached per connection: execution and admission read records one by one, and compiling the
        // statement (parser and authorizer) cost more than running it.
        let statement = try db.cachedStatement(sql: """
            SELECT record FROM state_versions WHERE state_key = ? AND height <= ?
            ORDER BY height DESC LIMIT 1
            """)
        let row = try Row.fetchOne(statement, arguments: [Data(key.bytes), height.flatMap(sqlHeight) ?? Int64.max])
        guard let row, let data = row["record"] as Data? else { return nil }
        return [UInt8](data)
    }
}
