import Foundation
import FogStore
import GRDB

/// The rows of an index's runs table (``SortedRuns``) as the store's writer last committed them, so
/// that a block's write does not read them back (the store is the only writer of its file), and each
/// ongoing merge's allowance and the inputs it has read, kept in memory only: lost on a restart, the
/// allowance is given again by the next blocks and the inputs are read again. Each run's filter is here too: a complete run's as stored, an ongoing merge's output's as
/// far as written.
struct RunCatalog: Sendable {
    /// One run.
    struct Run: Sendable {
        var level: Int
        var state: SortedRuns.State
        /// For a live run an ongoing merge reads: that merge's output run.
        var mergeInto: Int64?
        /// For a merge's output: the last entry written.
        var resumeAfter: [UInt8]?
        /// For a merge's output: the entries the blocks since its last step allow it to write.
        var allowance = 0
        /// The filter of the run's keys (of those written so far while it is being built).
        var filter: RunFilter?
        /// For a merge's output: its inputs as the last step left them (entries read and not yet
        /// merged), so that the next step goes on without reading them again; `nil` when the
        /// catalog was loaded, and the step reads them from the resume point.
        var mergeInputs: [RunEntries.MergeInput]?
    }

    private(set) var runs: [Int64: Run] = [:]
    /// The id of the next run: above every stored run, so the live runs' ids follow their creation
    /// (a deleted run's id may be given again after a restart; its chunks are gone by then).
    private(set) var nextRun: Int64 = 1

    /// The catalog of `layout`'s runs stored in `db`. The filter of an ongoing merge's output is
    /// built again from the chunks it has written.
    static func load(_ layout: RunLayout, _ db: Database) throws -> RunCatalog {
        var catalog = RunCatalog()
        for row in try Row.fetchAll(db, sql: "SELECT run, level, state, merge_into, resume_after, id_filter FROM \(layout.runsTable)") {
            guard let state = SortedRuns.State(rawValue: row["state"]) else {
                throw StoreError(.corrupt, "\(layout.name) run \(row["run"] as Int64) has state \(row["state"] as Int64)")
            }
            let resumeAfter = (row["resume_after"] as Data?).map { [UInt8]($0) }
            let filter = try (row["id_filter"] as Data?).map { try RunFilter(encoded: [UInt8]($0)) }
            catalog.runs[row["run"]] = Run(level: row["level"], state: state, mergeInto: row["merge_into"],
                                           resumeAfter: resumeAfter, filter: filter)
        }
        catalog.nextRun = (catalog.runs.keys.max() ?? 0) + 1
        for output in catalog.ids(in: .building) {
            var filter = RunFilter(capacity: catalog.mergedCount(into: output))
            try SortedRuns.forEachChunk(of: output, layout, db) { filter.insert(entries: $0, layout) }
            catalog.update(output) { $0.filter = filter }
        }
        return catalog
    }

    /// The entries the merge into `output` takes from its inputs, as their filters count them.
    func mergedCount(into output: Int64) -> Int {
        inputs(of: output).reduce(0) { $0 + (runs[$1]?.filter?.count ?? 0) }
    }

    /// The filters of the complete runs (live, or dead and not yet deleted): what lookups may trust.
    var completeFilters: [Int64: RunFilter] {
        runs.compactMapValues { $0.state == .building ? nil : $0.filter }
    }

    /// Adds run `id` (the next one).
    mutating func add(_ run: Run) -> Int64 {
        let id = nextRun
        runs[id] = run
        nextRun += 1
        return id
    }

    /// Changes run `id` in place (its filter is not copied), when there is such a run.
    mutating func update(_ id: Int64, _ change: (inout Run) -> Void) {
        guard runs[id] != nil else { return }
        change(&runs[id]!)
    }

    mutating func remove(_ id: Int64) { runs[id] = nil }

    /// The ids of the runs in `state`, oldest first.
    func ids(in state: SortedRuns.State) -> [Int64] {
        runs.filter { $0.value.state == state }.keys.sorted()
    }

    /// The inputs of the merge writing `output`, oldest first.
    func inputs(of output: Int64) -> [Int64] {
        runs.filter { $0.value.mergeInto == output }.keys.sorted()
    }
}
