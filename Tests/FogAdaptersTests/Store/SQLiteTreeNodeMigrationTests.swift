import FogCrypto
import FogExecution
import FogMerkle
import FogStore
import FogStoreSQLite
import FogTypes
import GRDB
import Testing

/// Schema 2 files sparse-tree nodes by (version, hash). A store written before it (nodes by hash
/// alone, branches without child versions) keeps those nodes in a legacy table: its state stays
/// provable at every height, and new blocks build on it.
@Suite("SQLite store: versioned tree nodes and the schema-1 layout")
struct SQLiteTreeNodeMigrationTests {
    /// Rewrites a closed store's tree nodes into the schema-1 layout and marks the store as schema 1.
    static func downgradeToSchemaOne(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try SchemaDowngrade.readingsToSchemaFive(db)
            try db.execute(sql: """
                CREATE TABLE old_nodes (hash BLOB PRIMARY KEY NOT NULL, node BLOB NOT NULL) WITHOUT ROWID;
                INSERT OR IGNORE INTO old_nodes (hash, node) SELECT hash, substr(node, 1, 65) FROM smt_nodes;
                DROP TABLE smt_nodes;
                ALTER TABLE old_nodes RENAME TO smt_nodes;
                DELETE FROM grdb_migrations WHERE identifier = 'v2-versioned-tree-nodes';
                UPDATE metadata SET value = CAST('1' AS BLOB) WHERE name = 'schema_version';
                PRAGMA user_version = 1;
                """)
        }
        try queue.close()
    }

    /// Checks every state key's proof at every height from the store's nodes.
    static func expectProvable(_ store: SQLiteLedgerStore, keys: [Hash256]) throws {
        for height in 1...(try store.latestHeight()) {
            let root = try #require(try store.stateRoot(at: height))
            for key in keys {
                let valueHash = try store.record(key, at: height).map(SHA256Hasher.hash)
                let proof = try SparseMerkleTree.proof(for: key, root: root, version: height, in: store)
                #expect(proof.verify(root: root, key: key, valueHash: valueHash), "height \(height)")
            }
        }
    }

    @Test func aSchemaOneStoreStaysProvableAndGrows() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let sensors = StoreChain.sensors
        let keys = sensors.map { StateKey.device($0.publicKey.address) }
            + [StoreChain.alice, StoreChain.bob].map { StateKey.account($0.publicKey.address) }
        do {
            var chain = StoreChain(store: try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis))
            _ = try chain.commit(sensors.map { chain.tx(StoreChain.alice, StoreChain.registration($0)) })
            _ = try chain.commit(sensors.map { chain.reading($0, timeMillis: 1_700_000_500_000) })
        }
        try Self.downgradeToSchemaOne(path)

        let store = try SQLiteLedgerStore(path: path, genesis: StoreChain.genesis, nodeCacheCapacity: 0)
        try Self.expectProvable(store, keys: keys)
        var chain = StoreChain(store: store)
        // A block that touches one device reuses the legacy subtrees of the others.
        _ = try chain.commit([chain.reading(sensors[0], timeMillis: 1_700_000_600_000)])
        _ = try chain.commit([])
        _ = try chain.commit(sensors.map { chain.reading($0, timeMillis: 1_700_000_700_000) })
        #expect(try store.device(sensors[0].publicKey.address)?.lastSequence == 3)
        try Self.expectProvable(store, keys: keys)
        try store.verifyIntegrity()
    }

    @Test func anUnchangedStateIsStoredAgainAtEachHeight() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteLedgerStore(path: directory.path("ledger.sqlite"), genesis: StoreChain.genesis,
                                          nodeCacheCapacity: 0)
        var chain = StoreChain(store: store)
        _ = try chain.commit([chain.tx(StoreChain.alice, StoreChain.registration(StoreChain.sensors[0]))])
        let empty = try chain.commit([])
        #expect(empty.state.parentRoot == empty.state.root)
        #expect(empty.state.newNodes.map(\.hash) == [empty.state.root])
        try Self.expectProvable(store, keys: [StateKey.device(StoreChain.sensors[0].publicKey.address)])
    }
}
