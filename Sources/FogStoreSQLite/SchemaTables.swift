/// The receipts' and readings' tables as each schema created them. The migrations create them from
/// here, and a test that puts a store back into an older layout uses the same text, so the two
/// cannot drift apart. A definition never changes once a schema has shipped; a new layout is a new
/// one, with the migration that moves the rows.
enum SchemaTables {
    /// Receipts in schemas 1–6, keyed by (height, position), with the transaction id beside each.
    static let receiptsV1 = """
        CREATE TABLE receipts (
            height   INTEGER NOT NULL REFERENCES blocks(height),
            position INTEGER NOT NULL,
            tx_id    BLOB NOT NULL,
            receipt  BLOB NOT NULL,
            PRIMARY KEY (height, position)
        ) WITHOUT ROWID;

        """

    /// Readings in schemas 1–5, keyed by (device, time, seq), the numbers stored with their top bit
    /// flipped (``SQLiteSchema/unordered(_:)``).
    static let readingsV1 = """
        CREATE TABLE readings (
            device   BLOB NOT NULL,
            time_ms  INTEGER NOT NULL,
            seq      INTEGER NOT NULL,
            height   INTEGER NOT NULL REFERENCES blocks(height),
            position INTEGER NOT NULL,
            reading  BLOB NOT NULL,
            PRIMARY KEY (device, time_ms, seq)
        ) WITHOUT ROWID;

        """

    /// Readings in schema 6, appended by (height, position).
    static let readingsV6 = """
        CREATE TABLE readings (
            height   INTEGER NOT NULL REFERENCES blocks(height),
            position INTEGER NOT NULL,
            reading  BLOB NOT NULL,
            PRIMARY KEY (height, position)
        ) WITHOUT ROWID;

        """

    /// Receipts and readings from schema 7 on, by ``BlockRowID``.
    static let blockRowsV7 = """
        CREATE TABLE receipts (
            id      INTEGER PRIMARY KEY NOT NULL,
            receipt BLOB NOT NULL
        );
        CREATE TABLE readings (
            id      INTEGER PRIMARY KEY NOT NULL,
            reading BLOB NOT NULL
        );

        """
}
