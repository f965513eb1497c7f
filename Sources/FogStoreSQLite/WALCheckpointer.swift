import GRDB
import GRDBSQLite
import Synchronization

/// When the WAL is copied into the database file, and by which connection.
public struct WALCheckpointLimits: Sendable, Equatable {
    /// WAL pages after a commit at which a checkpoint starts on a connection and thread of its own,
    /// while blocks keep being committed.
    public var background: Int
    /// WAL pages after a commit at which the writer itself checkpoints before its commit returns:
    /// the bound on the WAL when background checkpoints fall behind.
    public var inline: Int

    /// Limits of `background` and `inline` pages (each at least 1; `inline` at least `background`).
    public init(background: Int, inline: Int) {
        self.background = max(1, background)
        self.inline = max(self.background, inline)
    }

    /// 64 MiB of WAL in the background and four times that inline, in pages of `pageSize` bytes.
    ///
    /// A block writes rows spread over large indexes (each device's state versions, its readings
    /// before schema 6, and transaction ids before schema 3), so once the store held some 50,000
    /// readings each block dirtied a few MiB of pages, and SQLite's default (1,000 pages) checkpointed at nearly every
    /// block: over 40 s at 2,000 envelopes/s a validator's block write grew from 7–12 ms to 23–30 ms
    /// (median); with 64 MiB it stayed at 8–13 ms (docs/benchmarks.md, "Round 3"). A checkpoint copies each page
    /// once however often the WAL holds it, so the pages a store rewrites at every block cost less
    /// the less often it runs. Made in the commit, a checkpoint of 64 MiB held up a validator's
    /// height by 30–47 ms, at the same height on every validator of a network (they write the same
    /// pages), so it runs beside the writer ("Round 10").
    public static func standard(pageSize: Int) -> WALCheckpointLimits {
        let background = standardBackgroundBytes / max(512, pageSize)
        return WALCheckpointLimits(background: background, inline: 4 * background)
    }

    /// The WAL bytes after which ``standard(pageSize:)`` checkpoints in the background.
    public static let standardBackgroundBytes = 64 << 20
}

/// Copies the WAL into the database file off the commit path: a hook on the writer connection
/// (`sqlite3_wal_hook`, which replaces SQLite's own automatic checkpoint) learns the WAL's size
/// after each commit and, past ``WALCheckpointLimits/background`` pages, wakes a thread of its own
/// (``BackgroundCheckpoints``) to run a passive checkpoint on its own connection (one at a time).
/// Writers go on committing meanwhile; once the checkpoint has copied every frame, the next commit
/// starts the WAL again from its beginning. Past ``WALCheckpointLimits/inline`` pages the writer
/// checkpoints in its commit, as SQLite would.
final class WALCheckpointer: Sendable {
    let limits: WALCheckpointLimits
    private let background: BackgroundCheckpoints
    private let inlineRuns = Atomic<Int>(0)

    /// A checkpointer of the database at `path`, which must already be in WAL mode.
    init(path: String, limits: WALCheckpointLimits) throws {
        self.limits = limits
        var configuration = Configuration()
        configuration.label = "FogStoreSQLite.checkpoint"
        background = BackgroundCheckpoints(connection: try DatabaseQueue(path: path, configuration: configuration))
    }

    deinit {
        background.stop()
    }

    /// Checkpoints completed in the background, and by the writer itself.
    var runs: (background: Int, inline: Int) {
        (background.completed, inlineRuns.load(ordering: .acquiring))
    }

    /// Returns once no background checkpoint is running or requested.
    func waitForBackground() {
        background.waitUntilIdle()
    }

    /// Hooks this checkpointer to the writer connection `db`. The hook holds it unretained: the
    /// store owns both, and SQLite calls the hook only in a commit, which runs while the store lives.
    func install(on db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, { context, writer, _, pages in
            guard let context else { return SQLITE_OK }
            Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
                .committed(walPages: Int(pages), writer: writer)
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Called by SQLite after each commit, with the WAL's pages, outside the write lock.
    private func committed(walPages: Int, writer: OpaquePointer?) {
        if walPages >= limits.inline {
            // A background checkpoint still running makes this one busy; it is then left to it.
            if sqlite3_wal_checkpoint_v2(writer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil) == SQLITE_OK {
                inlineRuns.add(1, ordering: .releasing)
            }
            return
        }
        if walPages >= limits.background { background.request() }
    }
}
