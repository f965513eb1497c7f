import FogCrypto
@testable import FogStoreSQLite
import FogTypes
import Foundation
import GRDB

/// Rewrites parts of a closed store back into an older schema's layout, so that opening it runs
/// that part's migration again.
enum SchemaDowngrade {
    /// Puts back schema 7's index of the state versions by height in place of `state_changes`, and
    /// marks the store as schema 7.
    static func stateChangesToSchemaSeven(_ db: Database) throws {
        try db.execute(sql: """
            DROP TABLE state_changes;
            CREATE INDEX state_versions_by_height ON state_versions(height);
            DELETE FROM grdb_migrations WHERE identifier = 'v8-state-changes';
            UPDATE metadata SET value = CAST('7' AS BLOB) WHERE name = 'schema_version';
            PRAGMA user_version = 7;
            """)
    }

    /// Puts the receipts and readings back into schema 6's `WITHOUT ROWID` tables keyed by (height,
    /// position), each receipt with its transaction id beside it, and marks the store as schema 6
    /// (after ``stateChangesToSchemaSeven(_:)``).
    static func rowTablesToSchemaSix(_ db: Database) throws {
        try stateChangesToSchemaSeven(db)
        let bits = BlockRowID.positionBits
        try db.execute(sql: """
            ALTER TABLE receipts RENAME TO receipts_v7;
            ALTER TABLE readings RENAME TO readings_v7;
            \(SchemaTables.receiptsV1)
            \(SchemaTables.readingsV6)
            INSERT INTO readings SELECT id >> \(bits), id & \((1 << bits) - 1), reading FROM readings_v7;
            """)
        for row in try Row.fetchAll(db, sql: "SELECT id, receipt FROM receipts_v7") {
            let id: Int64 = row["id"], data: Data = row["receipt"]
            let receipt = try SQLiteSchema.decode(Receipt.self, data)
            try db.execute(sql: "INSERT INTO receipts (height, position, tx_id, receipt) VALUES (?, ?, ?, ?)",
                           arguments: [id >> bits, id & ((1 << bits) - 1), Data(receipt.transactionID.bytes), data])
        }
        try db.execute(sql: """
            DROP TABLE receipts_v7;
            DROP TABLE readings_v7;
            DELETE FROM grdb_migrations WHERE identifier = 'v7-block-rowids';
            UPDATE metadata SET value = CAST('6' AS BLOB) WHERE name = 'schema_version';
            PRAGMA user_version = 6;
            """)
    }

    /// Puts the readings back into schema 5's table keyed by (device, time, seq), numbers stored with
    /// their top bit flipped, without the readings' runs, and marks the store as schema 5 (after
    /// ``rowTablesToSchemaSix(_:)``).
    static func readingsToSchemaFive(_ db: Database) throws {
        try rowTablesToSchemaSix(db)
        try db.execute(sql: """
            DROP TABLE reading_runs;
            DROP TABLE reading_chunks;
            ALTER TABLE readings RENAME TO readings_v6;
            \(SchemaTables.readingsV1)
            """)
        let flipped = { (value: UInt64) in Int64(bitPattern: value ^ (1 << 63)) }
        for row in try Row.fetchAll(db, sql: "SELECT height, position, reading FROM readings_v6") {
            let data: Data = row["reading"]
            let reading = try SQLiteSchema.decode(Reading.self, data)
            try db.execute(sql: "INSERT INTO readings (device, time_ms, seq, height, position, reading) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [Data(reading.device.bytes), flipped(reading.timeMillis), flipped(reading.sequence),
                                       row["height"] as Int64, row["position"] as Int64, data])
        }
        try db.execute(sql: """
            DROP TABLE readings_v6;
            DELETE FROM grdb_migrations WHERE identifier = 'v6-reading-runs';
            UPDATE metadata SET value = CAST('5' AS BLOB) WHERE name = 'schema_version';
            PRAGMA user_version = 5;
            """)
    }
}
