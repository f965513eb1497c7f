import FogStore
import Foundation
@testable import FogStoreSQLite
import FogTypes
import GRDB
import Testing

/// The SQLite store prunes state versions through the keys each height changed (`state_changes`,
/// schema 8), every ``SQLiteSchema/pruneEveryHeights`` heights: the rows it deletes, and a schema-7
/// store migrated.
@Suite("SQLite store: pruning by the keys each height changed")
struct StateChangesTests {
    /// The heights of bob's stored versions, and the lowest height `state_changes` still holds.
    static func rows(_ path: String) throws -> (bob: [Int64], lowestChange: Int64?) {
        try DatabaseQueue(path: path).read { db in
            (try Int64.fetchAll(db, sql: "SELECT height FROM state_versions WHERE state_key = ? ORDER BY height",
                                arguments: [Data(StateVersionTests.bobKey.bytes)]),
             try Int64.fetchOne(db, sql: "SELECT MIN(height) FROM state_changes"))
        }
    }

    static func pay(_ chain: inout StoreChain, blocks: Int) throws {
        for _ in 0..<blocks {
            try chain.commit([chain.tx(StoreChain.alice, .transfer(to: StateVersionTests.bob, amount: 1))])
        }
    }

    @Test func versionsBelowTheOldestRetainedHeightAreDeleted() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis, retainedVersions: 3)
        var chain = StoreChain(store: store)
        try Self.pay(&chain, blocks: 9)
        #expect(try Self.rows(path).bob == Array(0...9), "the oldest retained height, 7, is not a multiple of 8 yet")
        try Self.pay(&chain, blocks: 1)
        let (bob, lowestChange) = try Self.rows(path)
        #expect(bob == [8, 9, 10], "versions 0–7 superseded at or below the oldest retained height, 8")
        #expect(lowestChange == 9, "the changes up to height 8 are no longer needed")
        try store.verifyIntegrity()
    }

    @Test func aSchemaSevenStorePrunesAsBefore() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        do {
            var chain = StoreChain(store: try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis, retainedVersions: 3))
            try Self.pay(&chain, blocks: 5)
        }
        let queue = try DatabaseQueue(path: path)
        try queue.write(SchemaDowngrade.stateChangesToSchemaSeven)
        try queue.close()

        let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis, retainedVersions: 3)
        #expect(try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == SQLiteSchema.schemaVersion)
        #expect(try Self.rows(path).bob == Array(0...5), "nothing pruned yet: the oldest retained height is 3")
        var chain = StoreChain(store: store)
        try Self.pay(&chain, blocks: 5)
        #expect(try Self.rows(path).bob == [8, 9, 10])
        for height in UInt64(8)...10 {
            #expect(try StateVersionTests.balance(store.record(StateVersionTests.bobKey, at: height)) == 10 + height)
        }
        try store.verifyIntegrity()
    }
}
