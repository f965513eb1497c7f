import FogStore
@testable import FogStoreSQLite
import Foundation
import Testing

@Suite("SQLite WAL checkpoints")
struct WALCheckpointTests {
    /// Commits blocks of 50 readings (after registering the sensors) until `done` holds or 200
    /// blocks were committed; returns the blocks committed.
    private static func commitUntil(_ store: SQLiteLedgerStore, _ done: () -> Bool) throws -> Int {
        var chain = StoreChain(store: store)
        try chain.registerSensors()
        var blocks = 1
        while !done(), blocks < 200 {
            try chain.commit((0..<50).map { index in
                chain.reading(StoreChain.sensors[index % 4], timeMillis: 1_700_002_000_000 + UInt64(blocks * 50 + index))
            })
            blocks += 1
        }
        return blocks
    }

    @Test func aLargeWALIsCheckpointedBesideTheWriter() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let limits = WALCheckpointLimits(background: 64, inline: 1_000_000)
        let blocks: Int
        do {
            let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis, checkpoints: limits)
            let deadline = ContinuousClock.now + .seconds(30)
            blocks = try Self.commitUntil(store) {
                store.walCheckpoints.background >= 2 || ContinuousClock.now > deadline
            }
            #expect(store.walCheckpoints.background >= 2)
            #expect(store.walCheckpoints.inline == 0)
            // A full checkpoint waits for a background one and leaves the WAL empty.
            try store.checkpoint()
            #expect(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int == 0)
            try store.verifyIntegrity()
        }
        // Everything committed is there after reopening.
        let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis, checkpoints: limits)
        #expect(try store.latestHeight() == UInt64(blocks))
        try store.verifyIntegrity()
    }

    /// The store's file descriptors open on `path` or its WAL and shared-memory files.
    private static func descriptors(on path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"),
                  target.hasPrefix(path) else { return nil }
            return target
        }
    }

    /// The nice values of this process's background checkpoint threads (named once their priority
    /// is set).
    private static func checkpointThreadNiceValues() throws -> [Int] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").compactMap { task in
            guard let name = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8),
                  name.hasPrefix(BackgroundCheckpoints.threadName),
                  let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            // Fields after the name: state is field 3, nice field 19.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 16 ? Int(fields[16]) : nil
        }
    }

    @Test func backgroundCheckpointsRunAtALowerPriorityAndEndWithTheStore() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        do {
            let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis,
                                              checkpoints: WALCheckpointLimits(background: 64, inline: 1_000_000))
            let deadline = ContinuousClock.now + .seconds(30)
            _ = try Self.commitUntil(store) { store.walCheckpoints.background >= 1 || ContinuousClock.now > deadline }
            #expect(store.walCheckpoints.background >= 1)
            let niceValues = try Self.checkpointThreadNiceValues()
            #expect(!niceValues.isEmpty)
            #expect(niceValues.allSatisfy { $0 == Int(BackgroundCheckpoints.niceIncrement) }, "\(niceValues)")
            #expect(try !Self.descriptors(on: path).isEmpty)
        }
        // The checkpoint thread has closed its connection by the time the store is gone, so the file
        // can be opened again at once.
        #expect(try Self.descriptors(on: path).isEmpty)
        let reopened = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis)
        try reopened.verifyIntegrity()
    }

    @Test func theWriterCheckpointsItselfAtTheInlineLimit() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis,
                                          checkpoints: WALCheckpointLimits(background: 32, inline: 32))
        let blocks = try Self.commitUntil(store) { store.walCheckpoints.inline >= 20 }
        #expect(store.walCheckpoints.inline >= 20)
        #expect(store.walCheckpoints.background == 0)
        // The WAL is reused from its start after each checkpoint instead of growing with the chain.
        let walBytes = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
        let databaseBytes = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(walBytes < databaseBytes, "WAL \(walBytes) bytes, database \(databaseBytes) after \(blocks) blocks")
        try store.verifyIntegrity()
    }

    @Test func limitsAreAtLeastOnePageAndInlineNotBelowBackground() {
        #expect(WALCheckpointLimits(background: 0, inline: 0) == WALCheckpointLimits(background: 1, inline: 1))
        #expect(WALCheckpointLimits(background: 100, inline: 10).inline == 100)
        // 64 MiB in the background, whatever the page size.
        #expect(WALCheckpointLimits.standard(pageSize: 2_048) == WALCheckpointLimits(background: 32_768, inline: 131_072))
        #expect(WALCheckpointLimits.standard(pageSize: 4_096) == WALCheckpointLimits(background: 16_384, inline: 65_536))
    }
}
