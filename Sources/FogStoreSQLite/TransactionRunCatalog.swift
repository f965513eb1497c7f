import Foundation
import FogStore
import GRDB

/// The rows of `tx_runs` as the store's writer last committed them, so that a block's write does
/// not read them back (the store is the only writer of its file), and each ongoing merge's allowance,
/// kept in memory only: lost on a restart, it is given again by the next blocks.
struct TransactionRunCatalog: Sendable {
    /// One run.
    struct Run: Sendable {
        var level: Int
        var state: TransactionRuns.State
        /// For a live run an ongoing merge reads: that merge's output run.
        var mergeInto: Int64?
        /// For a merge's output: the last entry written.
        var resumeAfter: [UInt8]?
        /// For a merge's output: the entries the blocks since its last step allow it to write.
        var allowance = 0
    }

    private(set) var runs: [Int64: Run] = [:]
    /// The id of the next run: above every stored run, so the live runs' ids follow their creation
    /// (a deleted run's id may be given again after a restart; its chunks are gone by then).
    private(set) var nextRun: Int64 = 1

    /// The catalog of the runs stored in `db`.
    static func load(_ db: Database) throws -> TransactionRunCatalog {
        var catalog = TransactionRunCatalog()
        for row in try Row.fetchAll(db, sql: "SELECT run, level, state, merge_into, resume_after FROM tx_runs") {
            guard let state = TransactionRuns.State(rawValue: row["state"]) else {
                throw StoreError(.corrupt, "transaction run \(row["run"] as Int64) has state \(row["state"] as Int64)")
            }
            let resumeAfter = (row["resume_after"] as Data?).map { [UInt8]($0) }
            catalog.runs[row["run"]] = Run(level: row["level"], state: state, mergeInto: row["merge_into"],
                                           resumeAfter: resumeAfter)
        }
        catalog.nextRun = (catalog.runs.keys.max() ?? 0) + 1
        return catalog
    }

    /// Adds run `id` (the next one).
    mutating func add(_ run: Run) -> Int64 {
        let id = nextRun
        runs[id] = run
        nextRun += 1
        return id
    }

    mutating func update(_ id: Int64, _ change: (inout Run) -> Void) {
        guard var run = runs[id] else { return }
        change(&run)
        runs[id] = run
    }

    mutating func remove(_ id: Int64) { runs[id] = nil }

    /// The ids of the runs in `state`, oldest first.
    func ids(in state: TransactionRuns.State) -> [Int64] {
        runs.filter { $0.value.state == state }.keys.sorted()
    }

    /// The inputs of the merge writing `output`, oldest first.
    func inputs(of output: Int64) -> [Int64] {
        runs.filter { $0.value.mergeInto == output }.keys.sorted()
    }
}
