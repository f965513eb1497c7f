import FogCrypto
import FogExecution
import FogMerkle
import FogStore
import FogStoreSQLite
import FogTypes
import Testing

/// The SQLite store keeps recently written and read sparse-tree nodes in memory; whatever the
/// cache's size (none, one that starts over every few nodes, the default), the tree it serves and
/// the blocks executed on it are the database's.
@Suite("SQLite store: sparse-tree node cache")
struct SQLiteNodeCacheTests {
    @Test(arguments: [0, 3, 100_000])
    func treeReadsAgreeWithTheDatabase(capacity: Int) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis, nodeCacheCapacity: capacity)
        var chain = StoreChain(store: store)
        let sensors = StoreChain.sensors
        var commitments = [try chain.commit(sensors.map { chain.tx(StoreChain.alice, StoreChain.registration($0)) })]
        for round in 0..<4 {
            commitments.append(try chain.commit(sensors.map { chain.reading($0, timeMillis: 1_700_000_500_000 + UInt64(round)) }))
        }
        #expect(commitments.allSatisfy { $0.receipts.allSatisfy { $0.code == "ok" } })
        #expect(try store.device(sensors[0].publicKey.address)?.lastSequence == 4)

        let uncached = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis, nodeCacheCapacity: 0)
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
