import FogCrypto
import FogExecution
import FogMerkle
import FogStore
import FogStoreSQLite
import FogTypes
import Testing

/// The SQLite store keeps recently written and read sparse-tree nodes and latest-state records in
/// memory; whatever the caches' size (none, ones that start over every few entries, the default),
/// the tree and records they serve and the blocks executed on them are the database's.
@Suite("SQLite store: sparse-tree node and record caches")
struct SQLiteNodeCacheTests {
    @Test(arguments: [0, 3, 100_000])
    func treeReadsAgreeWithTheDatabase(capacity: Int) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis, nodeCacheCapacity: capacity,
                                          recordCacheCapacity: capacity)
        var chain = StoreChain(store: store)
        let sensors = StoreChain.sensors
        var commitments = [try chain.commit(sensors.map { chain.tx(StoreChain.alice, StoreChain.registration($0)) })]
        for round in 0..<4 {
            commitments.append(try chain.commit(sensors.map { chain.reading($0, timeMillis: 1_700_000_500_000 + UInt64(round)) }))
        }
        #expect(commitments.allSatisfy { $0.receipts.allSatisfy { $0.code == "ok" } })
        #expect(try store.device(sensors[0].publicKey.address)?.lastSequence == 4)

        let uncached = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis, nodeCacheCapacity: 0,
                                             recordCacheCapacity: 0)
        // Every record the blocks wrote, as the last of them left it, from both stores.
        var latest: [Hash256: [UInt8]?] = [:]
        for change in commitments.flatMap(\.state.changes) { latest[change.key] = .some(change.record) }
        for (key, record) in latest {
            #expect(try store.record(key) == record)
            #expect(try uncached.record(key) == record)
        }
        for commitment in commitments {
            let version = commitment.state.version
            for (hash, node) in commitment.state.newNodes {
                #expect(try store.node(hash, version: version) == node)
                #expect(try uncached.node(hash, version: version) == node)
                // Nodes are filed by the height that wrote them.
                #expect(try uncached.node(hash, version: version + 100) == nil)
            }
        }
        #expect(try store.node(SHA256Hasher.hash(Array("no such node".utf8)), version: 1) == nil)
        #expect(try uncached.latestStateRoot() == commitments.last?.block.header.stateRoot)
        try uncached.verifyIntegrity()
    }
}
