import FogCrypto
import FogExecution
import FogMerkle
import FogStore
import FogTypes
import Testing

@Suite("State versions and the stored tree")
struct StateVersionTests {
    static let bob = StoreChain.bob.publicKey.address
    static let bobKey = StateKey.account(StoreChain.bob.publicKey.address)

    /// Commits `count` blocks each paying bob 1; bob's balance after height h is 10 + h.
    static func paying(_ kind: StoreKind, blocks count: Int, retained: UInt64) throws -> TestStore {
        let test = try kind.make(retainedVersions: retained)
        var chain = test.chain
        for _ in 0..<count {
            try chain.commit([chain.tx(StoreChain.alice, .transfer(to: bob, amount: 1))])
        }
        return test
    }

    static func balance(_ bytes: [UInt8]?) throws -> UInt64? {
        try bytes.map { try AccountRecord.decode($0).balance }
    }

    @Test(arguments: StoreKind.allCases)
    func recordsAtRecentHeights(kind: StoreKind) throws {
        let test = try Self.paying(kind, blocks: 6, retained: 10)
        let store = test.store
        for height in UInt64(0)...6 {
            #expect(try Self.balance(store.record(Self.bobKey, at: height)) == 10 + height)
        }
        #expect(try Self.balance(store.record(Self.bobKey)) == 16)
        #expect(try store.record(StateKey.device(Self.bob), at: 3) == nil)
        #expect { try store.record(Self.bobKey, at: 7) } throws: { ($0 as? StoreError)?.code == .unknownHeight }
    }

    @Test(arguments: StoreKind.allCases)
    func versionsPastTheWindowArePruned(kind: StoreKind) throws {
        let test = try Self.paying(kind, blocks: 8, retained: 3)
        let store = test.store
        #expect(try store.oldestRetainedHeight() == 6)
        for height in UInt64(6)...8 {
            #expect(try Self.balance(store.record(Self.bobKey, at: height)) == 10 + height)
        }
        for height in UInt64(0)..<6 {
            #expect { try store.record(Self.bobKey, at: height) } throws: { ($0 as? StoreError)?.code == .heightPruned }
        }
        // A record unchanged since genesis is still read at every retained height.
        let aliceKey = StateKey.account(StoreChain.alice.publicKey.address)
        #expect(try store.record(aliceKey, at: 6) != nil)
        let carol = StateKey.account(StoreChain.key(3).publicKey.address)
        #expect(try store.record(carol, at: 6) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func unchangedRecordsSurvivePruning(kind: StoreKind) throws {
        // Bob changes at height 1 only; then many blocks pass: his height-1 version is the one read.
        let test = try kind.make(retainedVersions: 2)
        var chain = test.chain
        try chain.commit([chain.tx(StoreChain.alice, .transfer(to: Self.bob, amount: 4))])
        for _ in 0..<5 { try chain.commit([]) }
        #expect(try Self.balance(test.store.record(Self.bobKey, at: 5)) == 14)
        #expect(try Self.balance(test.store.record(Self.bobKey, at: 6)) == 14)
        #expect(try Self.balance(test.store.record(Self.bobKey)) == 14)
    }

    @Test(arguments: StoreKind.allCases)
    func storedTreeMatchesTheHeaders(kind: StoreKind) throws {
        let test = try kind.make(retainedVersions: 4)
        var chain = test.chain
        let sensors = StoreChain.sensors
        try chain.commit(sensors.map { chain.tx(StoreChain.alice, StoreChain.registration($0)) })
        for block in 0..<3 {
            try chain.commit(sensors.map { chain.reading($0, timeMillis: 1_700_000_300_000 + UInt64(block)) }
                             + [chain.tx(StoreChain.alice, .transfer(to: Self.bob, amount: 2))])
        }
        let store = test.store
        // The accounts, the devices, and the genesis validator state (which no block here changes).
        let keys = [StoreChain.alice, StoreChain.bob].map { StateKey.account($0.publicKey.address) }
            + sensors.map { StateKey.device($0.publicKey.address) }
            + GenesisState.changes(StoreChain.genesis).map(\.key).filter { key in
                ![StoreChain.alice, StoreChain.bob].contains { StateKey.account($0.publicKey.address) == key }
            }
        let latest = try store.latestHeight()
        for height in try store.oldestRetainedHeight()...latest {
            let root = try #require(try store.stateRoot(at: height))
            if height > 0 { #expect(try store.header(at: height)?.stateRoot == root) }
            // The root recomputed from the records at that height equals the stored one.
            let records = try keys.map { StateChange(key: $0, record: try store.record($0, at: height)) }
            let recomputed = try SparseMerkleTree.update(
                root: SparseMerkleTree.emptyRoot, rootVersion: 0,
                changes: records.sorted { $0.key < $1.key }.map { (key: $0.key, valueHash: $0.valueHash) },
                version: 0, in: InMemorySparseMerkleNodeStore())
            #expect(recomputed.root == root, "height \(height)")
            // Proofs from the stored nodes (the tree of each height is stored at that version) verify
            // against that root.
            for record in records {
                let proof = try SparseMerkleTree.proof(for: record.key, root: root, version: height, in: store)
                #expect(proof.verify(root: root, key: record.key, valueHash: record.valueHash))
                #expect(try SparseMerkleTree.value(for: record.key, root: root, version: height, in: store) == record.valueHash)
            }
        }
    }
}
