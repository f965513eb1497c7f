import FogCrypto
import FogMerkle
import FogTestKit
import Testing

/// Nodes filed by (version, hash), as the SQLite store files them: a lookup at another version than
/// the one a node was written at misses, so a wrong child version in a branch is caught.
struct VersionedNodeStore: SparseMerkleNodeStore {
    private struct Slot: Hashable {
        let version: UInt64
        let hash: Hash256
    }
    private var nodes: [Slot: SparseMerkleStoredNode] = [:]

    /// Stored (version, hash) slots.
    var count: Int { nodes.count }

    func node(_ hash: Hash256, version: UInt64) -> SparseMerkleStoredNode? {
        nodes[Slot(version: version, hash: hash)]
    }

    mutating func insert(_ update: SparseMerkleUpdate) {
        for (hash, node) in update.newNodes { nodes[Slot(version: update.version, hash: hash)] = node }
    }
}

/// A sparse tree with its node store, as the ledger would hold it: update `v` reads the tree of
/// version `v - 1` and writes version `v`.
struct SparseFixture {
    var store = VersionedNodeStore()
    var root = SparseMerkleTree.emptyRoot
    var version: UInt64 = 0
    /// The latest version at which each root was the tree's.
    var rootVersions: [Hash256: UInt64] = [SparseMerkleTree.emptyRoot: 0]

    @discardableResult
    mutating func apply(_ changes: [(key: Hash256, valueHash: Hash256?)]) throws -> SparseMerkleUpdate {
        let update = try SparseMerkleTree.update(root: root, rootVersion: version, changes: changes,
                                                 version: version + 1, in: store)
        store.insert(update)
        version += 1
        root = update.root
        rootVersions[root] = version
        return update
    }

    func value(_ key: Hash256, at root: Hash256? = nil) throws -> Hash256? {
        let root = root ?? self.root
        return try SparseMerkleTree.value(for: key, root: root, version: rootVersions[root] ?? version, in: store)
    }

    func proof(_ key: Hash256, at root: Hash256? = nil) throws -> SparseMerkleProof {
        let root = root ?? self.root
        return try SparseMerkleTree.proof(for: key, root: root, version: rootVersions[root] ?? version, in: store)
    }
}

@Suite struct SparseMerkleTreeTests {
    static func randomMap(_ count: Int, _ random: inout SeededGenerator) -> [(key: Hash256, valueHash: Hash256?)] {
        (0..<count).map { _ in (key: random.hash(), valueHash: random.hash()) }
    }

    static func dictionary(_ changes: [(key: Hash256, valueHash: Hash256?)]) -> [Hash256: Hash256] {
        var map: [Hash256: Hash256] = [:]
        for change in changes { map[change.key] = change.valueHash }
        return map
    }

    /// A key whose bits are those of `key` up to `bit`, then the opposite bit, then `key`'s again.
    static func sibling(of key: Hash256, partingAt bit: Int) -> Hash256 {
        key.flipping(bit: bit)
    }

    @Test func emptyTree() throws {
        let tree = SparseFixture()
        let key = Hash256(words: (1, 2, 3, 4))
        #expect(tree.root == Hash256.zero)
        #expect(try tree.value(key) == nil)
        let proof = try tree.proof(key)
        #expect(proof.terminal == .empty && proof.siblings.isEmpty)
        #expect(proof.verify(root: tree.root, key: key, valueHash: nil))
        #expect(!proof.verify(root: tree.root, key: key, valueHash: Hash256.zero))
    }

    @Test func oneKeyTreeIsItsLeaf() throws {
        var tree = SparseFixture()
        let (key, value) = (Hash256(words: (9, 9, 9, 9)), Hash256(words: (7, 7, 7, 7)))
        let update = try tree.apply([(key, value)])
        #expect(tree.root == SparseMerkleTree.leafHash(key: key, valueHash: value))
        #expect(tree.root == SHA256Hasher.hash([0x00] + key.bytes + value.bytes))
        #expect(update.newNodes.count == 1)
        #expect(try tree.value(key) == value)
        let inclusion = try tree.proof(key)
        #expect(inclusion.siblings.isEmpty)
        #expect(inclusion.verify(root: tree.root, key: key, valueHash: value))
        // Any other key is absent, shown by the one leaf occupying the whole tree.
        let other = Hash256(words: (.max, 0, 0, 0))
        #expect(try tree.value(other) == nil)
        let exclusion = try tree.proof(other)
        #expect(exclusion.terminal == .leaf(key: key, valueHash: value))
        #expect(exclusion.verify(root: tree.root, key: other, valueHash: nil))
        #expect(!exclusion.verify(root: tree.root, key: other, valueHash: value))
        // Removing it gives the empty tree back.
        try tree.apply([(key, nil)])
        #expect(tree.root == SparseMerkleTree.emptyRoot)
    }

    @Test func rootMatchesTheRecursiveDefinition() throws {
        var random = SeededGenerator(seed: 21)
        for count in [2, 3, 5, 17, 100, 1000] {
            var tree = SparseFixture()
            let changes = Self.randomMap(count, &random)
            try tree.apply(changes)
            #expect(tree.root == ReferenceMerkle.sparseRoot(Self.dictionary(changes)), "\(count) keys")
            for change in changes.prefix(50) {
                #expect(try tree.value(change.key) == change.valueHash)
            }
        }
    }

    @Test func rootIsIndependentOfOrderAndBatching() throws {
        var random = SeededGenerator(seed: 22)
        let changes = Self.randomMap(200, &random)
        var all = SparseFixture()
        try all.apply(changes)
        for _ in 0..<3 {
            var tree = SparseFixture()
            var shuffled = changes
            shuffled.shuffle(using: &random)
            var start = 0
            while start < shuffled.count {
                let end = min(shuffled.count, start + Int.random(in: 1...40, using: &random))
                try tree.apply(Array(shuffled[start..<end]))
                start = end
            }
            #expect(tree.root == all.root)
        }
        var oneByOne = SparseFixture()
        for change in changes.reversed() {
            try oneByOne.apply([change])
        }
        #expect(oneByOne.root == all.root)
    }

    @Test func deletionRestoresTheRootWithoutTheKey() throws {
        var random = SeededGenerator(seed: 23)
        let changes = Self.randomMap(300, &random)
        var tree = SparseFixture()
        try tree.apply(changes)
        var remaining = Self.dictionary(changes)
        for round in 0..<4 {
            var victims = Array(remaining.keys).sorted()
            victims.shuffle(using: &random)
            victims = Array(victims.prefix(40 + round * 20))
            try tree.apply(victims.map { (key: $0, valueHash: nil) })
            for victim in victims { remaining[victim] = nil }
            #expect(tree.root == ReferenceMerkle.sparseRoot(remaining), "round \(round)")
            var fresh = SparseFixture()
            try fresh.apply(remaining.keys.sorted().map { (key: $0, valueHash: remaining[$0]) })
            #expect(fresh.root == tree.root)
            for victim in victims.prefix(10) { #expect(try tree.value(victim) == nil) }
        }
        try tree.apply(remaining.keys.sorted().map { (key: $0, valueHash: nil) })
        #expect(tree.root == SparseMerkleTree.emptyRoot)
    }

    @Test func insertingThenDeletingAKeyRestoresTheRoot() throws {
        var random = SeededGenerator(seed: 24)
        var tree = SparseFixture()
        try tree.apply(Self.randomMap(64, &random))
        let before = tree.root
        for _ in 0..<20 {
            let key = random.hash()
            try tree.apply([(key, random.hash())])
            #expect(tree.root != before)
            try tree.apply([(key, nil)])
            #expect(tree.root == before)
        }
    }

    @Test func lastChangeOfAKeyWins() throws {
        var random = SeededGenerator(seed: 25)
        let (key, first, second) = (random.hash(), random.hash(), random.hash())
        var tree = SparseFixture()
        try tree.apply([(key, first), (key, second)])
        #expect(try tree.value(key) == second)
        try tree.apply([(key, nil), (key, first)])
        #expect(try tree.value(key) == first)
        try tree.apply([(key, second), (key, nil)])
        #expect(tree.root == SparseMerkleTree.emptyRoot)
    }

    @Test func noOpChangesCreateOnlyTheRootAgain() throws {
        var random = SeededGenerator(seed: 26)
        let changes = Self.randomMap(50, &random)
        var tree = SparseFixture()
        try tree.apply(changes)
        let before = tree.root
        let update = try tree.apply(
            [(random.hash(), nil), (random.hash(), nil)] + changes.prefix(5).map { ($0.key, $0.valueHash) })
        #expect(update.root == before)
        #expect(update.newNodes.map(\.hash) == [before])
        #expect(try tree.apply([]).root == before)
    }

    @Test func keysSharingLongPrefixes() throws {
        var random = SeededGenerator(seed: 27)
        let base = random.hash()
        var keys = [base]
        for bit in [255, 254, 200, 128, 64, 63, 1, 0] {
            keys.append(Self.sibling(of: base, partingAt: bit))
        }
        var tree = SparseFixture()
        var map: [Hash256: Hash256] = [:]
        for key in keys { map[key] = random.hash() }
        try tree.apply(keys.map { (key: $0, valueHash: map[$0]) })
        #expect(tree.root == ReferenceMerkle.sparseRoot(map))
        for key in keys {
            let proof = try tree.proof(key)
            #expect(proof.verify(root: tree.root, key: key, valueHash: map[key]))
        }
        // The two keys that part at the last bit sit at the greatest depth.
        #expect(try tree.proof(base).siblings.count == SparseMerkleTree.maxDepth)
        // A key parting from them at bit 253 is absent, proven by an empty subtree at depth 254.
        let absent = base.flipping(bit: 253)
        let exclusion = try tree.proof(absent)
        #expect(exclusion.terminal == .empty && exclusion.siblings.count == 254)
        #expect(exclusion.verify(root: tree.root, key: absent, valueHash: nil))
        // Deleting the deepest pair lifts the survivors back up.
        try tree.apply([(base, nil), (keys[1], nil), (keys[2], nil)])
        map[base] = nil
        map[keys[1]] = nil
        map[keys[2]] = nil
        #expect(tree.root == ReferenceMerkle.sparseRoot(map))
        #expect(try tree.proof(keys[3]).siblings.count == 129)
    }

    @Test func oldRootsStayReadable() throws {
        var random = SeededGenerator(seed: 28)
        var tree = SparseFixture()
        var versions: [(root: Hash256, map: [Hash256: Hash256])] = []
        var map: [Hash256: Hash256] = [:]
        for _ in 0..<6 {
            var changes = Self.randomMap(30, &random)
            let existing = map.keys.sorted()
            for key in existing.prefix(10) { changes.append((key, nil)) }
            for key in existing.dropFirst(10).prefix(10) { changes.append((key, random.hash())) }
            try tree.apply(changes)
            for change in changes { map[change.key] = change.valueHash }
            versions.append((tree.root, map))
        }
        for (root, map) in versions {
            #expect(root == ReferenceMerkle.sparseRoot(map))
            for key in map.keys.sorted().prefix(15) {
                #expect(try tree.value(key, at: root) == map[key])
                #expect(try tree.proof(key, at: root).verify(root: root, key: key, valueHash: map[key]))
            }
        }
        // A key deleted later is still provable at the roots that held it, and absent after.
        let (first, last) = (versions[0], versions[versions.count - 1])
        let gone = try #require(first.map.keys.sorted().first { last.map[$0] == nil })
        #expect(try tree.proof(gone, at: first.root).verify(root: first.root, key: gone, valueHash: first.map[gone]))
        #expect(try tree.proof(gone, at: last.root).verify(root: last.root, key: gone, valueHash: nil))
    }

    @Test func updateCreatesOnlyTheRewrittenPath() throws {
        var random = SeededGenerator(seed: 29)
        var tree = SparseFixture()
        let first = try tree.apply(Self.randomMap(1000, &random))
        // 1000 leaves and 999 branches, plus branches above keys sharing a prefix with no other key.
        #expect(first.newNodes.count >= 1999)
        let stored = tree.store.count
        let key = random.hash()
        let update = try tree.apply([(key, random.hash())])
        let depth = try tree.proof(key).siblings.count
        // The new leaf and one branch per level above it; a displaced leaf is reused as it is.
        #expect(update.newNodes.count == depth + 1)
        #expect(tree.store.count == stored + update.newNodes.count)
        for (hash, node) in update.newNodes { #expect(node.node.hash == hash) }
    }

    @Test func tenThousandChangesInOneBatch() throws {
        var random = SeededGenerator(seed: 30)
        var tree = SparseFixture()
        let changes = Self.randomMap(10_000, &random)
        try tree.apply(changes)
        var map = Self.dictionary(changes)
        // A second batch of 10,000: updates, deletions and inserts mixed.
        var second: [(key: Hash256, valueHash: Hash256?)] = []
        for (index, change) in changes.enumerated().prefix(6000) {
            second.append((change.key, index % 2 == 0 ? nil : random.hash()))
        }
        second += Self.randomMap(4000, &random)
        try tree.apply(second)
        for change in second { map[change.key] = change.valueHash }
        #expect(tree.root == ReferenceMerkle.sparseRoot(map))
    }

    @Test func missingNodesAreReportedNotTrapped() throws {
        var random = SeededGenerator(seed: 31)
        var tree = SparseFixture()
        try tree.apply(Self.randomMap(10, &random))
        let empty = InMemorySparseMerkleNodeStore()
        #expect(throws: MerkleError.self) {
            try SparseMerkleTree.value(for: random.hash(), root: tree.root, version: 1, in: empty)
        }
        #expect(throws: MerkleError.self) {
            try SparseMerkleTree.proof(for: random.hash(), root: tree.root, version: 1, in: empty)
        }
        #expect(throws: MerkleError.self) {
            try SparseMerkleTree.update(root: tree.root, rootVersion: 1, changes: [(random.hash(), nil)], version: 2, in: empty)
        }
        // The tree is stored at version 1: read at another version, its root is missing.
        #expect(throws: MerkleError.self) {
            try SparseMerkleTree.value(for: random.hash(), root: tree.root, version: 2, in: tree.store)
        }
    }

    @Test func everyVersionStoresItsRootAndKeepsTheVersionsOfWhatItReuses() throws {
        var random = SeededGenerator(seed: 32)
        var tree = SparseFixture()
        let keys = (0..<50).map { _ in random.hash() }
        try tree.apply(keys.map { ($0, random.hash()) })
        // No change, and a change that sets a value it already has: only the root, again.
        for unchanged in [[], [(keys[0], try tree.value(keys[0]))]] as [[(key: Hash256, valueHash: Hash256?)]] {
            let root = tree.root
            let update = try tree.apply(unchanged)
            #expect(update.root == root)
            #expect(update.newNodes.map(\.hash) == [root])
            #expect(try tree.value(keys[1], at: root) != nil)
        }
        // Deleting all but one key leaves that key's leaf, written at version 1, as the root.
        let kept = keys[7]
        let keptValue = try #require(try tree.value(kept))
        let update = try tree.apply(keys.filter { $0 != kept }.map { ($0, nil) })
        #expect(update.newNodes.count == 1)
        #expect(update.newNodes[0].node.node == .leaf(key: kept, valueHash: keptValue))
        // Emptying the tree stores nothing.
        #expect(try tree.apply([(kept, nil)]).newNodes.isEmpty)
        #expect(tree.root == SparseMerkleTree.emptyRoot)
    }

    @Test func corruptStoresAreReportedNotTrapped() throws {
        // A store whose "tree" is a chain of 257 branches, each with an empty right child.
        var store = InMemorySparseMerkleNodeStore()
        var hash = SparseMerkleTree.leafHash(key: Hash256.zero, valueHash: Hash256.zero)
        store.insert(SparseMerkleStoredNode(.leaf(key: Hash256.zero, valueHash: Hash256.zero)))
        for _ in 0...SparseMerkleTree.maxDepth {
            let node = SparseMerkleNode.branch(left: hash, right: Hash256.zero)
            store.insert(SparseMerkleStoredNode(node))
            hash = node.hash
        }
        let code = { (work: () throws -> Void) -> MerkleError.Code? in
            do { try work(); return nil } catch let error as MerkleError { return error.code } catch { return nil }
        }
        #expect(code { _ = try SparseMerkleTree.value(for: Hash256.zero, root: hash, version: 0, in: store) } == .malformedTree)
        #expect(code { _ = try SparseMerkleTree.proof(for: Hash256.zero, root: hash, version: 0, in: store) } == .malformedTree)
        #expect(code {
            _ = try SparseMerkleTree.update(root: hash, rootVersion: 0, changes: [(Hash256.zero, nil)], version: 0, in: store)
        } == .malformedTree)
        // A leaf stored off its key's path.
        var offPath = InMemorySparseMerkleNodeStore()
        let stray = SparseMerkleNode.leaf(key: Hash256(words: (.max, 0, 0, 0)), valueHash: Hash256.zero)
        let branch = SparseMerkleNode.branch(left: stray.hash, right: stray.hash)
        offPath.insert(SparseMerkleStoredNode(stray))
        offPath.insert(SparseMerkleStoredNode(branch))
        #expect(code {
            _ = try SparseMerkleTree.update(root: branch.hash, rootVersion: 0, changes: [(Hash256.zero, Hash256.zero)], version: 0, in: offPath)
        } == .malformedTree)
    }
}
