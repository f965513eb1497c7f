import FogSQLitePageCache
@testable import FogStoreSQLite
import Foundation
import GRDB
import GRDBSQLite
import Testing

/// One cache made by the filter's own methods (over SQLite's default cache), driven the way a
/// pager drives it: pages fetched (pinned), moved, unpinned, and truncations.
private final class FilterCacheUnderTest {
    /// Where a B-tree balance parks a page of a 2 KiB-page database: the "pending byte" page.
    static let parkingKey: UInt32 = (1 << 30) / 2_048 + 1

    private let methods: sqlite3_pcache_methods2
    private let cache: OpaquePointer

    init() throws {
        // Registering the VFS installs the filter first, before SQLite is initialized.
        #expect(WALGatheringVFS.install())
        #expect(SQLitePageCacheFilter.install())
        let raw = try #require(fog_page_cache_filter_methods(), "the filter is not SQLite's page cache")
        let methods = raw.assumingMemoryBound(to: sqlite3_pcache_methods2.self).pointee
        let cache = try #require(methods.xCreate?(2_048, 64, 1))
        methods.xCachesize?(cache, 1_000)
        self.methods = methods
        self.cache = cache
    }

    deinit { methods.xDestroy?(cache) }

    /// Creates (and unpins) a page at each of `keys`.
    func create(_ keys: some Sequence<UInt32>) throws {
        for key in keys {
            let page = try #require(methods.xFetch?(cache, key, 2), "page \(key)")
            methods.xUnpin?(cache, page, 0)
        }
    }

    /// Whether a page is cached at `key`.
    func holds(_ key: UInt32) -> Bool {
        guard let page = methods.xFetch?(cache, key, 0) else { return false }
        methods.xUnpin?(cache, page, 0)
        return true
    }

    /// Moves the page at `old` to `new`, pinned while it moves, as SQLite does.
    func move(_ old: UInt32, to new: UInt32) throws {
        let page = try #require(methods.xFetch?(cache, old, 0), "page \(old)")
        methods.xRekey?(cache, page, old, new)
        methods.xUnpin?(cache, page, 0)
    }

    func truncate(_ limit: UInt32) { methods.xTruncate?(cache, limit) }

    var passed: UInt64 { fog_page_cache_filter_passed(UnsafeRawPointer(cache)) }
    var skipped: UInt64 { fog_page_cache_filter_skipped(UnsafeRawPointer(cache)) }
}

@Suite("SQLite page cache: truncations with nothing to remove are not passed on")
struct SQLitePageCacheFilterTests {
    @Test func pagesSwappedThroughTheParkingKeyLeaveNothingToTruncate() throws {
        let cache = try FilterCacheUnderTest()
        try cache.create(1...10)
        // The swap a B-tree balance makes to put sibling pages in order.
        try cache.move(3, to: FilterCacheUnderTest.parkingKey)
        try cache.move(5, to: 3)
        try cache.move(FilterCacheUnderTest.parkingKey, to: 5)
        cache.truncate(11)
        #expect(cache.skipped == 1)
        #expect(cache.passed == 0)
        #expect((1...10).allSatisfy(cache.holds))
    }

    @Test func pagesAtOrAboveTheLimitAreTruncated() throws {
        let cache = try FilterCacheUnderTest()
        try cache.create(1...10)
        cache.truncate(6)
        #expect(cache.passed == 1)
        #expect((1...5).allSatisfy(cache.holds))
        #expect(!(6...10).contains(where: cache.holds))
        cache.truncate(6)
        #expect(cache.skipped == 1, "nothing is left at or above 6")
    }

    @Test func aPageLeftAtTheParkingKeyIsTruncated() throws {
        let cache = try FilterCacheUnderTest()
        try cache.create(1...10)
        try cache.move(2, to: FilterCacheUnderTest.parkingKey)
        cache.truncate(11)
        #expect(cache.passed == 1)
        #expect(!cache.holds(FilterCacheUnderTest.parkingKey))
        #expect([1, 3, 4, 5, 6, 7, 8, 9, 10].allSatisfy(cache.holds))
    }

    @Test func moreMovedPagesThanItTracksOneByOneAreStillTruncated() throws {
        let cache = try FilterCacheUnderTest()
        try cache.create(1...20)
        let high = (11...20).map { UInt32(600_000) + $0 }
        for (key, target) in zip(11...20, high) { try cache.move(UInt32(key), to: target) }
        cache.truncate(21)
        #expect(cache.passed == 1)
        #expect(!high.contains(where: cache.holds))
        #expect((1...10).allSatisfy(cache.holds))
        cache.truncate(21)
        #expect(cache.skipped == 1)
    }

    /// Random keys in an index make SQLite split and balance pages in every transaction; one
    /// transaction that grew the file is rolled back, so its new pages must leave the cache.
    @Test func aDatabaseThatBalancesAndRollsBackReadsBackIntact() throws {
        #expect(WALGatheringVFS.install())
        let directory = try TemporaryDirectory()
        // The store's page size, set before the pool switches the new file to WAL (after which
        // SQLite ignores it).
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA page_size = \(SQLiteLedgerStore.pageSize)") }
        }
        let pool = try DatabasePool(path: directory.path("balanced.sqlite"), configuration: configuration)
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE rows (key BLOB PRIMARY KEY, body BLOB NOT NULL) WITHOUT ROWID")
        }
        #expect(try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == SQLiteLedgerStore.pageSize)
        var generator = SystemRandomNumberGenerator()
        func randomBytes(_ count: Int) -> Data { Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
        var kept: [Data] = []
        for round in 0..<40 {
            let keys = (0..<150).map { _ in randomBytes(32) }
            let insert = { (db: Database) throws in
                for key in keys { try db.execute(sql: "INSERT INTO rows VALUES (?, ?)", arguments: [key, randomBytes(64)]) }
            }
            if round == 20 {
                try pool.writeWithoutTransaction { db in
                    try db.inTransaction {
                        try insert(db)
                        try db.execute(sql: "INSERT INTO rows VALUES (?, ?)", arguments: [randomBytes(32), randomBytes(200_000)])
                        return .rollback
                    }
                }
            } else {
                try pool.write(insert)
                kept += keys
            }
        }
        let (check, count) = try pool.read { db in
            (try String.fetchAll(db, sql: "PRAGMA integrity_check"), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rows"))
        }
        #expect(check == ["ok"])
        #expect(count == kept.count)
        let reopened = try DatabaseQueue(path: directory.path("balanced.sqlite"))
        let stored = try reopened.read { db in try Set(Data.fetchAll(db, sql: "SELECT key FROM rows")) }
        #expect(stored == Set(kept))
    }
}
