import FogStore
import Foundation
@testable import FogStoreSQLite
import FogTypes
import GRDB
import Testing

/// The SQLite store prunes state versions through the keys each height changed (`state_changes`,
/// schema 8): the rows it deletes, and a schema-7 store migrated.
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
        try Self.pay(&chain, blocks: 8)
        let (bob, lowestChange) = try Self.rows(path)
        #expect(bob == [6, 7, 8], "versions 0–5 superseded at the oldest retained height, 6")
        #expect(lowestChange == 7, "the changes up to height 6 are no longer needed")
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
        #expect(try Self.rows(path).bob == [3, 4, 5])
        var chain = StoreChain(store: store)
        try Self.pay(&chain, blocks: 3)
        #expect(try Self.rows(path).bob == [6, 7, 8])
        for height in UInt64(6)...8 {
            #expect(try StateVersionTests.balance(store.record(StateVersionTests.bobKey, at: height)) == 10 + height)
        }
        try store.verifyIntegrity()
    }
}
