import FogCrypto
@testable import FogStoreSQLite
import FogTypes
import Foundation
import GRDB

/// Rewrites parts of a closed store back into an older schema's layout, so that opening it runs
/// that part's migration again.
enum SchemaDowngrade {
    /// Puts the readings back into schema 5's table keyed by (device, time, seq), numbers stored with
    /// their top bit flipped, without the readings' runs, and marks the store as schema 5.
    static func readingsToSchemaFive(_ db: Database) throws {
        try db.execute(sql: """
            DROP TABLE reading_runs;
            DROP TABLE reading_chunks;
            ALTER TABLE readings RENAME TO readings_v6;
            CREATE TABLE readings (
                device   BLOB NOT NULL,
                time_ms  INTEGER NOT NULL,
                seq      INTEGER NOT NULL,
                height   INTEGER NOT NULL REFERENCES blocks(height),
                position INTEGER NOT NULL,
                reading  BLOB NOT NULL,
                PRIMARY KEY (device, time_ms, seq)
            ) WITHOUT ROWID;
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
