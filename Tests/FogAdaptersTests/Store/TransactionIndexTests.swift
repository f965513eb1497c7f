import FogCrypto
import Foundation
import FogStore
import FogStoreSQLite
import FogTestSupport
import FogTypes
import GRDB
import Testing

/// The SQLite store indexes transaction ids in a file of its own, written after each block's
/// commit. A lookup finds a transaction as soon as its block is committed; the file is derived from
/// the receipts and is rebuilt from them when it is behind, missing, or another store's.
@Suite("SQLite store: the transaction index beside the store")
struct TransactionIndexTests {
    /// Commits three blocks of transactions; returns each block's transaction ids.
    static func commitThreeBlocks(_ chain: inout StoreChain) throws -> [[Hash256]] {
        let sensors = StoreChain.sensors
        var blocks: [[Hash256]] = []
        for envelopes in [sensors.map { chain.tx(StoreChain.alice, StoreChain.registration($0)) },
                          sensors.map { chain.reading($0, timeMillis: 1_700_000_500_000) },
                          sensors.map { chain.reading($0, timeMillis: 1_700_000_600_000) }] {
            let commitment = try chain.commit(envelopes)
            blocks.append(commitment.receipts.map(\.transactionID))
        }
        return blocks
    }

    /// Expects every transaction of `blocks` at its height (from 1) and position, and one receipt each.
    static func expectIndexed(_ store: SQLiteLedgerStore, _ blocks: [[Hash256]]) throws {
        for (offset, ids) in blocks.enumerated() {
            for (position, id) in ids.enumerated() {
                let found = try store.receipts(transactionID: id)
                #expect(found.map(\.location) == [TransactionLocation(height: UInt64(offset + 1), index: UInt32(position))])
                #expect(found.first?.receipt.transactionID == id)
            }
        }
    }

    /// The height and block the index file records as written through.
    static func recordedHeight(ofIndexAt path: String) throws -> Int64? {
        let queue = try DatabaseQueue(path: SQLiteLedgerStore.transactionIndexPath(of: path))
        defer { try? queue.close() }
        return try queue.read { db in try Int64.fetchOne(db, sql: "SELECT height FROM indexed") }
    }

    /// Makes a store at `path` with three blocks of transactions, all written to its index, and
    /// closes it; returns each block's transaction ids.
    static func closedStoreWithThreeBlocks(at path: String) throws -> [[Hash256]] {
        let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis)
        var chain = StoreChain(store: store)
        let blocks = try commitThreeBlocks(&chain)
        store.waitForTransactionIndex()
        return blocks
    }

    /// Opens the store at `path` and expects every transaction of `blocks` found, and the index
    /// written through the last of them; returns the store.
    @discardableResult
    static func reopenExpectingIndexed(_ path: String, _ blocks: [[Hash256]]) throws -> SQLiteLedgerStore {
        let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis)
        try expectIndexed(store, blocks)
        #expect(try recordedHeight(ofIndexAt: path) == Int64(blocks.count))
        return store
    }

    @Test func aCommittedTransactionIsFoundAtOnceThenFromTheFileAndAfterReopening() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let blocks: [[Hash256]]
        do {
            let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis)
            var chain = StoreChain(store: store)
            blocks = try Self.commitThreeBlocks(&chain)
            try Self.expectIndexed(store, blocks)
            let backlog = store.waitForTransactionIndex()
            #expect(backlog.heights == 0 && backlog.failure == nil)
            try Self.expectIndexed(store, blocks)
            #expect(try store.receipts(transactionID: SHA256Hasher.hash([1, 2, 3])).isEmpty)
        }
        try Self.reopenExpectingIndexed(path, blocks)
    }

    @Test func anIndexThatLostItsLastWritesIsCaughtUpWhenTheStoreOpens() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let blocks = try Self.closedStoreWithThreeBlocks(at: path)
        // What a crash before the index's last two writes reached the disk leaves.
        let queue = try DatabaseQueue(path: SQLiteLedgerStore.transactionIndexPath(of: path))
        let storeQueue = try DatabaseQueue(path: path)
        let firstBlock = try storeQueue.read { db in try Data.fetchOne(db, sql: "SELECT block_id FROM blocks WHERE height = 1") }
        try storeQueue.close()
        try queue.write { db in
            try db.execute(sql: "DELETE FROM transactions WHERE height > 1")
            try db.execute(sql: "UPDATE indexed SET height = 1, block_id = ?", arguments: [firstBlock])
        }
        try queue.close()
        try Self.reopenExpectingIndexed(path, blocks)
    }

    @Test func aMissingIndexIsRebuiltAndAnotherStoresIndexIsReplaced() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let other = directory.path("other.sqlite")
        let blocks = try Self.closedStoreWithThreeBlocks(at: path)
        do {
            // Another store of the chain, one block ahead, its blocks empty.
            let otherStore = try SQLiteLedgerStore(path: other, genesis: StoreChain.genesis)
            var otherChain = StoreChain(store: otherStore)
            for _ in 0..<4 { try otherChain.commit([]) }
            otherStore.waitForTransactionIndex()
        }
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: SQLiteLedgerStore.transactionIndexPath(of: path) + suffix)
        }
        try Self.reopenExpectingIndexed(path, blocks)

        // The other store's index records height 4 and another block: it is emptied and rebuilt.
        for suffix in ["", "-wal", "-shm"] {
            let target = SQLiteLedgerStore.transactionIndexPath(of: path) + suffix
            try? FileManager.default.removeItem(atPath: target)
            try? FileManager.default.copyItem(atPath: SQLiteLedgerStore.transactionIndexPath(of: other) + suffix, toPath: target)
        }
        try Self.reopenExpectingIndexed(path, blocks)
    }

    @Test func aStoreOfSchemaTwoDropsItsIdIndexAndFindsItsTransactions() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let blocks = try Self.closedStoreWithThreeBlocks(at: path)
        // Schema 2 kept transaction ids in an index of the store's own file, and no index file.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                CREATE INDEX receipts_by_tx ON receipts(tx_id);
                DELETE FROM grdb_migrations WHERE identifier = 'v3-transaction-index-file';
                UPDATE metadata SET value = CAST('2' AS BLOB) WHERE name = 'schema_version';
                PRAGMA user_version = 2;
                """)
        }
        try queue.close()
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: SQLiteLedgerStore.transactionIndexPath(of: path) + suffix)
        }

        let store = try Self.reopenExpectingIndexed(path, blocks)
        let check = try DatabaseQueue(path: path)
        let indexes = try check.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'receipts'")
        }
        try check.close()
        #expect(!indexes.contains("receipts_by_tx"))
        try store.verifyIntegrity()
    }
}
