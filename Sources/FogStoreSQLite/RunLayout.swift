import FogCrypto

/// What one index of sorted runs (``SortedRuns``) holds: its two tables, the size of its fixed-size
/// entries, how many fill a chunk row, and where in an entry the key of its runs' filters lies.
///
/// Entries are compared as bytes, so an entry's layout is its sort order; every entry ends with the
/// big-endian height and position of what it indexes, whose first byte is below 0x80 (heights stay
/// below 2^63).
struct RunLayout: Sendable {
    /// What the index is of, for messages ("transaction", "reading").
    let name: String
    /// The table of runs: `run, level, state, merge_into, resume_after, id_filter`.
    let runsTable: String
    /// The table of chunks: `chunk, run, first_key, entries`.
    let chunksTable: String
    /// Bytes of one entry.
    let entrySize: Int
    /// Entries in a chunk. A chunk row (the entries, its first key and its run) must fill a 2 KiB
    /// page without spilling to an overflow page: a table row stays in its page up to 2,013 bytes.
    let perChunk: Int
    /// Where the 16 bytes whose two big-endian words key the runs' filters start in an entry. They
    /// must be uniformly distributed (part of a digest), for the filter uses them as its hashes.
    let filterKeyOffset: Int

    /// Bytes of a full chunk.
    var chunkBytes: Int { entrySize * perChunk }
    /// Sorts after every entry.
    var afterAll: [UInt8] { [UInt8](repeating: 0xFF, count: entrySize + 1) }

    /// The filter key of the entry at byte `offset` of `flat`.
    func filterKey(_ flat: [UInt8], at offset: Int) -> RunFilter.Key {
        let start = offset + filterKeyOffset
        return RunFilter.Key(SQLiteSchema.bigEndian(flat[start..<(start + 8)]),
                             SQLiteSchema.bigEndian(flat[(start + 8)..<(start + 16)]))
    }

    /// The tables of the index.
    var schema: String {
        """
        CREATE TABLE \(runsTable) (
            run          INTEGER PRIMARY KEY NOT NULL,
            level        INTEGER NOT NULL,
            state        INTEGER NOT NULL,
            merge_into   INTEGER,
            resume_after BLOB,
            id_filter    BLOB
        );
        CREATE TABLE \(chunksTable) (
            chunk     INTEGER PRIMARY KEY NOT NULL,
            run       INTEGER NOT NULL,
            first_key BLOB NOT NULL,
            entries   BLOB NOT NULL
        );
        CREATE UNIQUE INDEX \(chunksTable)_by_key ON \(chunksTable)(run, first_key);
        """
    }

    /// Transaction ids (``TransactionRunEntries``): 44-byte entries, 43 to a chunk (1,892 bytes),
    /// filtered by id.
    static let transactions = RunLayout(name: "transaction", runsTable: "tx_runs", chunksTable: "tx_chunks",
                                        entrySize: TransactionRunEntries.size, perChunk: 43, filterKeyOffset: 0)

    /// Readings by device (``ReadingRunEntries``): 49-byte entries, 39 to a chunk (1,911 bytes),
    /// filtered by device.
    static let readings = RunLayout(name: "reading", runsTable: "reading_runs", chunksTable: "reading_chunks",
                                    entrySize: ReadingRunEntries.size, perChunk: 39, filterKeyOffset: 1)
}
