import GRDB

/// The catalogs of the store's two indexes of sorted runs (``SortedRuns``), as last committed.
struct RunCatalogs: Sendable {
    /// Transaction ids (``RunLayout/transactions``).
    var transactions: RunCatalog
    /// Readings by device (``RunLayout/readings``).
    var readings: RunCatalog

    static func load(_ db: Database) throws -> RunCatalogs {
        RunCatalogs(transactions: try RunCatalog.load(.transactions, db), readings: try RunCatalog.load(.readings, db))
    }

    /// Each index's complete runs' filters: what lookups may trust.
    var completeFilters: Filters {
        Filters(transactions: transactions.completeFilters, readings: readings.completeFilters)
    }

    /// The filters of each index's complete runs, by run.
    struct Filters: Sendable {
        var transactions: [Int64: RunFilter]
        var readings: [Int64: RunFilter]
    }
}
