import FogSQLitePageCache

/// SQLite's page cache behind a filter that answers a truncation with nothing to remove itself
/// (`FogSQLitePageCache`).
///
/// A B-tree balance parks a page for a moment at the number of SQLite's "pending byte" page, and
/// SQLite's own cache then walked its whole hash table at the end of every write transaction,
/// looking for pages beyond the database's end that were no longer there: 2.1 % of four
/// validators' CPU at 2,800 envelopes/s in an 18 s step, inside each block's commit, and more as
/// the writer's 64 MiB cache fills (docs/benchmarks.md, "Round 14").
///
/// SQLite takes a page cache only before it is initialized, so ``install()`` runs before the first
/// VFS registration of the process (``WALGatheringVFS/install()``).
enum SQLitePageCacheFilter {
    /// Installs the filter, once per process (later calls do nothing), and says whether it is
    /// SQLite's page cache: it cannot be once something else in the process has used SQLite.
    @discardableResult
    static func install() -> Bool { installed }

    private static let installed = fog_page_cache_filter_install() == 0
}
