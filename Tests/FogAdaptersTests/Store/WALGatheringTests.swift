@testable import FogStoreSQLite
import Foundation
import GRDB
import Testing

@Suite("WAL writes gathered into one run")
struct GatheredWritesTests {
    private func gather(_ writes: inout GatheredWrites, _ bytes: [UInt8], at position: Int64) -> Bool {
        bytes.withUnsafeBytes { writes.gather($0, at: position) }
    }

    @Test func writesThatFollowEachOtherBecomeOneRun() {
        var writes = GatheredWrites(capacity: 64)
        #expect(gather(&writes, [1, 2, 3], at: 100))
        #expect(gather(&writes, [4, 5], at: 103))
        let run = writes.take()
        #expect(run.offset == 100)
        #expect(run.bytes == [1, 2, 3, 4, 5])
        #expect(writes.isEmpty)
    }

    @Test func aWriteWithinTheRunOverwritesIt() {
        var writes = GatheredWrites(capacity: 64)
        #expect(gather(&writes, [1, 2, 3, 4], at: 10))
        #expect(gather(&writes, [9, 9], at: 11))
        #expect(gather(&writes, [7], at: 13))
        #expect(writes.take().bytes == [1, 9, 9, 7])
    }

    @Test func aWriteElsewhereOrPastTheCapacityIsRefused() {
        var writes = GatheredWrites(capacity: 8)
        #expect(gather(&writes, [1, 2, 3, 4], at: 10))
        #expect(!gather(&writes, [5], at: 15), "a gap")
        #expect(!gather(&writes, [5], at: 9), "before the run")
        #expect(!gather(&writes, [5, 6], at: 13), "overlapping its end")
        #expect(!gather(&writes, [5, 6, 7, 8, 9], at: 14), "past the capacity")
        #expect(gather(&writes, [5, 6, 7, 8], at: 14), "up to the capacity")
        #expect(writes.take().bytes == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(!gather(&writes, Array(repeating: 0, count: 9), at: 0), "larger than the capacity alone")
        #expect(!gather(&writes, [], at: 0), "nothing")
        #expect(writes.isEmpty)
    }
}

@Suite("SQLite VFS that gathers WAL writes")
struct WALGatheringVFSTests {
    /// A pool on a new file in `directory`, with the VFS installed, and its writer's `synchronous`.
    private func pool(in directory: TemporaryDirectory, synchronous: String) throws -> DatabasePool {
        #expect(WALGatheringVFS.install())
        let pool = try DatabasePool(path: directory.path("gathered.sqlite"))
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            try db.execute(sql: "CREATE TABLE rows (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        }
        return pool
    }

    @Test func aCommitOfManyPagesReachesTheFileInAFewWrites() throws {
        let directory = try TemporaryDirectory()
        let pool = try pool(in: directory, synchronous: "FULL")
        let before = WALGatheringVFS.walWritesPassedOn
        try pool.write { db in
            for id in 0..<1_000 { try db.execute(sql: "INSERT INTO rows VALUES (?, zeroblob(3000))", arguments: [id]) }
        }
        // Over 1,000 pages of 4 KiB, two writes each without gathering; about 4 MB, 33 writes of
        // 124 KiB, with it. Other tests' commits (gathered too) may count meanwhile.
        let writes = WALGatheringVFS.walWritesPassedOn - before
        #expect(writes < 300, "\(writes) WAL writes")
        #expect(try pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM rows") } == 1_000)
    }

    /// Without a sync at commit, the frames must still reach the file before readers can see the
    /// commit: the writer's `xShmBarrier` writes them out.
    @Test(arguments: ["NORMAL", "FULL"])
    func readersSeeEveryCommitAtOnce(synchronous: String) async throws {
        let directory = try TemporaryDirectory()
        let pool = try pool(in: directory, synchronous: synchronous)
        for id in 1...200 {
            try await pool.write { db in
                try db.execute(sql: "INSERT INTO rows VALUES (?, randomblob(900))", arguments: [id])
            }
            let (count, sum) = try await pool.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rows"), try Int.fetchOne(db, sql: "SELECT SUM(id) FROM rows"))
            }
            #expect(count == id)
            #expect(sum == id * (id + 1) / 2)
        }
        let integrity = try await pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
    }

    @Test func aTransactionLargerThanTheCapacityCommitsAndReopens() throws {
        let directory = try TemporaryDirectory()
        let rows = WALGatheringVFS.capacity / 100_000 + 20
        do {
            let pool = try pool(in: directory, synchronous: "FULL")
            try pool.write { db in
                for id in 0..<rows {
                    try db.execute(sql: "INSERT INTO rows VALUES (?, randomblob(100000))", arguments: [id])
                }
            }
            let bytes = try pool.read { try Int.fetchOne($0, sql: "SELECT SUM(length(body)) FROM rows") }
            #expect(bytes == rows * 100_000)
        }
        let reopened = try DatabaseQueue(path: directory.path("gathered.sqlite"))
        let (count, integrity) = try reopened.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rows"), try String.fetchOne(db, sql: "PRAGMA integrity_check"))
        }
        #expect(count == rows)
        #expect(integrity == "ok")
    }
}
