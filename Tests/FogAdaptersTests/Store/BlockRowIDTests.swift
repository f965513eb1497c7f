import FogCrypto
import FogStore
@testable import FogStoreSQLite
import FogTypes
import GRDB
import Testing

/// Receipts and readings keyed by their block's height and their position in one rowid (schema 7):
/// the ids' bounds and order, a schema-6 store migrated, and a receipt that is not the one its
/// transaction id's entry names.
@Suite("SQLite store: receipts and readings by row id")
struct BlockRowIDTests {
    @Test func idsFollowHeightThenPositionAndStayInRange() throws {
        let first = try #require(BlockRowID(height: 1, position: 0))
        let last = try #require(BlockRowID(height: 1, position: (1 << 24) - 1))
        let next = try #require(BlockRowID(height: 2, position: 0))
        #expect(first.value < last.value && last.value < next.value)
        #expect(BlockRowID.block(1) == first.value...last.value)
        #expect(BlockRowID.above(1) == next.value)
        #expect(BlockRowID(height: 1, position: 1 << 24) == nil)
        #expect(BlockRowID(height: BlockRowID.maxHeight + 1, position: 0) == nil)
        #expect(BlockRowID.block(BlockRowID.maxHeight)?.upperBound == .max)
        #expect(BlockRowID.above(BlockRowID.maxHeight) == .max)
        #expect(throws: StoreError.self) { try BlockRowID.writing(height: BlockRowID.maxHeight + 1, position: 0) }
        // A block of the largest size holds fewer rows than a position can number.
        #expect(ObjectLimits.maxBlockBytes < 1 << BlockRowID.positionBits)
    }

    @Test func aSchemaSixStoreKeepsEveryReceiptAndReading() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        var receipts: [(UInt64, [Receipt])] = []
        var readings: [StoredReading] = []
        do {
            var chain = StoreChain(store: try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis))
            try chain.registerSensors()
            receipts.append((1, try chain.store.receipts(height: 1)))
            readings += try ReadingRunsTests.commitReadings(&chain, blocks: 4, from: 1)
            for height in 2...5 { receipts.append((UInt64(height), try chain.store.receipts(height: UInt64(height)))) }
        }
        let queue = try DatabaseQueue(path: path)
        try queue.write(SchemaDowngrade.rowTablesToSchemaSix)
        try queue.close()

        let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis)
        let (receiptColumns, version) = try DatabaseQueue(path: path).read { db in
            (try db.columns(in: "receipts").map(\.name), try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0)
        }
        #expect(receiptColumns == ["id", "receipt"] && version == SQLiteSchema.schemaVersion)
        for (height, stored) in receipts {
            #expect(!stored.isEmpty)
            #expect(try store.receipts(height: height) == stored)
            for (index, receipt) in stored.enumerated() {
                #expect(try store.receipts(transactionID: receipt.transactionID)
                    == [StoredReceipt(receipt: receipt, location: TransactionLocation(height: height, index: UInt32(index)))])
            }
        }
        try ReadingRunsTests.expectFound(readings, in: store)
        try store.verifyIntegrity()
    }

    /// Swaps the `column` of the rows at positions 0 and 1 of `height` in `table` (receipts or
    /// readings): each row then sits where the other belongs.
    static func swapFirstTwoRows(_ column: String, of table: String, height: UInt64, _ db: Database) throws {
        let (first, second) = (BlockRowID(height: height, position: 0)!.value, BlockRowID(height: height, position: 1)!.value)
        try db.execute(sql: """
            UPDATE \(table) SET \(column) = CASE id WHEN \(first) THEN
                (SELECT \(column) FROM \(table) WHERE id = \(second)) ELSE
                (SELECT \(column) FROM \(table) WHERE id = \(first)) END
            WHERE id IN (\(first), \(second))
            """)
    }

    @Test func aReceiptOfAnotherTransactionIsReportedAsCorruption() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let swapped: Receipt
        do {
            var chain = StoreChain(store: try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis))
            try chain.registerSensors()
            swapped = try #require(try chain.store.receipts(height: 1).first)
        }
        // Height 1's first two receipts trade rows.
        try DatabaseQueue(path: path).write { try Self.swapFirstTwoRows("receipt", of: "receipts", height: 1, $0) }
        let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis)
        #expect { try store.receipts(transactionID: swapped.transactionID) } throws: { ($0 as? StoreError)?.code == .corrupt }
    }
}
