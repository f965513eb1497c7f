import FogCore
import FogCrypto
import FogMerkle
import FogTestKit

/// Writes merkle.json (RFC 9162 trees and proofs) and sparse-merkle.json (the state tree).
///
/// Valid cases come from the implementation (and the tests cross-check it against the published
/// Certificate Transparency data and recursive references); invalid cases are valid ones with one
/// thing changed, each described.
enum MerkleVectors {
    static let log = VectorGenerator("merkle.json") {
        var builder = LogVectors()
        return try builder.file()
    }
    static let sparse = VectorGenerator("sparse-merkle.json") {
        var builder = SparseVectors()
        return try builder.file()
    }
}

/// Builds merkle.json.
private struct LogVectors {
    /// The Certificate Transparency reference inputs.
    static let standardLeaves: [[UInt8]] = [
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
    ].map { Hex.decode($0)! }

    var trees: [MerkleTreeVector] = []
    var leafHashesOfTree: [[Hash256]] = []
    var inclusion: [MerkleInclusionVector] = []
    var consistency: [MerkleConsistencyVector] = []

    func hex(_ hashes: [Hash256]) -> [String] { hashes.map(\.hex) }

    mutating func addTree(_ description: String, _ leaves: [[UInt8]]) -> Int {
        let leafHashes = leaves.map(MerkleTree.leafHash)
        trees.append(MerkleTreeVector(
            description: description, leaves: leaves.map { Hex.encode($0) }, leafHashes: hex(leafHashes),
            root: MerkleTree.root(leafHashes: leafHashes).hex))
        leafHashesOfTree.append(leafHashes)
        return trees.count - 1
    }

    mutating func addInclusion(tree: Int, index: Int) throws {
        let leafHashes = leafHashesOfTree[tree]
        let proof = try MerkleTree.inclusionProof(index: index, leafHashes: leafHashes)
        inclusion.append(MerkleInclusionVector(
            description: "leaf \(index) of \(leafHashes.count): \(trees[tree].description)", tree: tree,
            leafIndex: proof.leafIndex, treeSize: proof.treeSize, leafHash: leafHashes[index].hex,
            path: hex(proof.path), root: trees[tree].root, valid: true))
    }

    mutating func addConsistency(tree: Int, oldSize: Int) throws {
        let leafHashes = leafHashesOfTree[tree]
        let proof = try MerkleTree.consistencyProof(oldSize: oldSize, leafHashes: leafHashes)
        let oldRoot = MerkleTree.root(leafHashes: Array(leafHashes.prefix(oldSize)))
        consistency.append(MerkleConsistencyVector(
            description: "\(oldSize) to \(leafHashes.count): \(trees[tree].description)", tree: tree,
            oldSize: proof.oldSize, newSize: proof.newSize, oldRoot: oldRoot.hex, newRoot: trees[tree].root,
            path: hex(proof.path), valid: true))
    }

    /// A copy of `vector` made invalid by `change`.
    func broken<V>(_ vector: V, _ what: String, _ change: (inout V) -> Void) -> V
    where V: MerkleVectorCase {
        var copy = vector
        copy.description = "\(what): \(vector.description)"
        copy.tree = nil
        copy.valid = false
        change(&copy)
        return copy
    }

    mutating func file() throws -> MerkleVectorFile {
        var random = SeededGenerator(seed: 0x6d65_726b_6c65)
        var standard: [Int] = []
        for size in 0...8 {
            standard.append(addTree(
                "the first \(size) Certificate Transparency inputs", Array(Self.standardLeaves.prefix(size))))
        }
        let large = addTree(
            "100 random leaves of 0 to 48 bytes",
            (0..<100).map { _ in random.bytes(Int.random(in: 0...48, using: &random)) })

        for size in 1...8 {
            for index in 0..<size { try addInclusion(tree: standard[size], index: index) }
        }
        for index in [0, 1, 37, 63, 64, 98, 99] { try addInclusion(tree: large, index: index) }
        for newSize in 0...8 {
            for oldSize in 0...newSize { try addConsistency(tree: standard[newSize], oldSize: oldSize) }
        }
        for oldSize in [1, 37, 64, 99, 100] { try addConsistency(tree: large, oldSize: oldSize) }

        let other = MerkleTree.leafHash([0xff]).hex
        let flip = { (hex: String) -> String in Hash256(hex: hex).map { $0.flippingBit(3).hex } ?? hex }
        let eight = inclusion.first { $0.treeSize == 8 && $0.leafIndex == 5 }!
        let one = inclusion.first { $0.treeSize == 1 }!
        let big = inclusion.first { $0.treeSize == 100 && $0.leafIndex == 37 }!
        inclusion += [
            broken(eight, "index - 1") { $0.leafIndex -= 1 },
            broken(eight, "index + 1") { $0.leafIndex += 1 },
            broken(eight, "index equal to the size") { $0.leafIndex = 8 },
            broken(eight, "size * 2") { $0.treeSize *= 2 },
            broken(eight, "size 0") { $0.treeSize = 0 },
            broken(eight, "size 2^64 - 1") { $0.treeSize = .max },
            broken(eight, "wrong leaf hash") { $0.leafHash = other },
            broken(eight, "wrong root") { $0.root = other },
            broken(eight, "bit flipped in path[1]") { $0.path[1] = flip($0.path[1]) },
            broken(eight, "last hash removed") { $0.path.removeLast() },
            broken(eight, "root appended") { $0.path.append($0.root) },
            broken(eight, "path reversed") { $0.path.reverse() },
            broken(eight, "65 hashes") { $0.path = Array(repeating: other, count: 65) },
            broken(one, "a hash for a one-leaf tree") { $0.path = [other] },
            broken(big, "bit flipped in the last hash") { $0.path[$0.path.count - 1] = flip($0.path[$0.path.count - 1]) },
            broken(big, "leaf 36's hash") { $0.leafHash = leafHashesOfTree[large][36].hex },
        ]

        let sixEight = consistency.first { $0.oldSize == 6 && $0.newSize == 8 }!
        let fourEight = consistency.first { $0.oldSize == 4 && $0.newSize == 8 }!
        let zeroFive = consistency.first { $0.oldSize == 0 && $0.newSize == 5 }!
        let threeThree = consistency.first { $0.oldSize == 3 && $0.newSize == 3 }!
        let bigC = consistency.first { $0.oldSize == 37 && $0.newSize == 100 }!
        consistency += [
            broken(sixEight, "old size - 1") { $0.oldSize -= 1 },
            broken(sixEight, "old size + 1") { $0.oldSize += 1 },
            broken(sixEight, "new size * 2") { $0.newSize *= 2 },
            broken(sixEight, "old size above the new size") { $0.oldSize = 9 },
            broken(sixEight, "new size 2^64 - 1") { $0.newSize = .max },
            broken(sixEight, "roots swapped") { swap(&$0.oldRoot, &$0.newRoot) },
            broken(sixEight, "wrong old root") { $0.oldRoot = other },
            broken(sixEight, "wrong new root") { $0.newRoot = other },
            broken(sixEight, "empty path") { $0.path = [] },
            broken(sixEight, "bit flipped in path[0]") { $0.path[0] = flip($0.path[0]) },
            broken(sixEight, "last hash removed") { $0.path.removeLast() },
            broken(sixEight, "old root prepended") { $0.path.insert($0.oldRoot, at: 0) },
            broken(fourEight, "old root prepended to a power-of-two old size") { $0.path.insert($0.oldRoot, at: 0) },
            broken(fourEight, "bit flipped in path[0]") { $0.path[0] = flip($0.path[0]) },
            broken(zeroFive, "a hash from the empty tree") { $0.path = [$0.newRoot] },
            broken(zeroFive, "empty tree with a non-empty old root") { $0.oldRoot = other },
            broken(threeThree, "equal sizes, different roots") { $0.newRoot = other },
            broken(threeThree, "equal sizes with a hash") { $0.path = [$0.newRoot] },
            broken(bigC, "65 hashes") { $0.path = Array(repeating: other, count: 65) },
            broken(bigC, "bit flipped in the last hash") { $0.path[$0.path.count - 1] = flip($0.path[$0.path.count - 1]) },
        ]

        return MerkleVectorFile(
            description: """
                RFC 9162 Merkle trees (leaf SHA-256(0x00 || data), node SHA-256(0x01 || left || right), \
                empty root SHA-256("")): roots, inclusion proofs and consistency proofs, valid and not. \
                Trees 0-8 are the Certificate Transparency reference inputs. See spec/merkle.md.
                """,
            trees: trees, inclusionProofs: inclusion, consistencyProofs: consistency)
    }
}

/// The fields every proof case shares, so that one helper can break any of them.
protocol MerkleVectorCase {
    var description: String { get set }
    var tree: Int? { get set }
    var valid: Bool { get set }
}

extension MerkleInclusionVector: MerkleVectorCase {}
extension MerkleConsistencyVector: MerkleVectorCase {}
extension SparseMerkleProofVector: MerkleVectorCase {}

extension Hash256 {
    /// This hash with bit `index` (0 = most significant bit of byte 0) flipped.
    func flippingBit(_ index: Int) -> Hash256 {
        var bytes = self.bytes
        bytes[index / 8] ^= 0x80 >> UInt8(index % 8)
        return Hash256(bytes: bytes)!
    }
}

/// Builds sparse-merkle.json. Its store keeps nodes by hash alone, so every tree is at version 0.
private struct SparseVectors {
    var store = InMemorySparseMerkleNodeStore()
    var trees: [SparseMerkleTreeVector] = []
    var roots: [Hash256] = []
    var proofs: [SparseMerkleProofVector] = []
    var updates: [SparseMerkleUpdateVector] = []

    static func entry(_ key: Hash256, _ value: Hash256?) -> SparseMerkleEntryVector {
        SparseMerkleEntryVector(key: key.hex, valueHash: value?.hex)
    }

    mutating func apply(_ root: Hash256, _ changes: [(key: Hash256, valueHash: Hash256?)]) throws -> Hash256 {
        let update = try SparseMerkleTree.update(root: root, rootVersion: 0, changes: changes, version: 0, in: store)
        store.insert(update)
        return update.root
    }

    mutating func addTree(_ description: String, _ pairs: [(key: Hash256, valueHash: Hash256)]) throws -> Int {
        let sorted = pairs.sorted { $0.key < $1.key }
        let root = try apply(SparseMerkleTree.emptyRoot, sorted.map { ($0.key, $0.valueHash) })
        trees.append(SparseMerkleTreeVector(
            description: description, entries: sorted.map { Self.entry($0.key, $0.valueHash) }, root: root.hex))
        roots.append(root)
        return trees.count - 1
    }

    mutating func addUpdate(_ description: String, tree: Int, _ changes: [(key: Hash256, valueHash: Hash256?)]) throws {
        let root = try apply(roots[tree], changes)
        updates.append(SparseMerkleUpdateVector(
            description: description, tree: tree, changes: changes.map { Self.entry($0.key, $0.valueHash) },
            root: root.hex))
    }

    /// Adds the proof for `key` in tree `tree`, and returns it.
    @discardableResult
    mutating func addProof(_ description: String, tree: Int, key: Hash256) throws -> SparseMerkleProofVector {
        let root = roots[tree]
        let proof = try SparseMerkleTree.proof(for: key, root: root, version: 0, in: store)
        let value = try SparseMerkleTree.value(for: key, root: root, version: 0, in: store)
        let leaf: SparseMerkleEntryVector? = switch proof.terminal {
        case .empty: nil
        case let .leaf(leafKey, valueHash): Self.entry(leafKey, valueHash)
        }
        let kind = value == nil ? (leaf == nil ? "absent, empty subtree" : "absent, another leaf") : "present"
        let vector = SparseMerkleProofVector(
            description: "\(description) (\(kind), depth \(proof.siblings.count)): \(trees[tree].description)",
            tree: tree, root: root.hex, key: key.hex, valueHash: value?.hex,
            proof: SparseMerkleProofBody(leaf: leaf, siblings: proof.siblings.map(\.hex)), valid: true)
        proofs.append(vector)
        return vector
    }

    func broken(_ vector: SparseMerkleProofVector, _ what: String, _ change: (inout SparseMerkleProofVector) -> Void)
        -> SparseMerkleProofVector
    {
        var copy = vector
        copy.description = "\(what): \(vector.description)"
        copy.tree = nil
        copy.valid = false
        change(&copy)
        return copy
    }

    mutating func file() throws -> SparseMerkleVectorFile {
        var random = SeededGenerator(seed: 0x736d_74)
        func hash() -> Hash256 { Hash256(words: (random.next(), random.next(), random.next(), random.next())) }

        let empty = try addTree("the empty tree", [])
        let one = try addTree("one key", [(hash(), hash())])
        let a = Hash256(words: (0x0123_4567_89ab_cdef, 1, 2, 3))
        let split0 = try addTree("two keys parting at bit 0", [(a, hash()), (a.flippingBit(0), hash())])
        let split255 = try addTree(
            "two keys parting at bit 255, the deepest", [(a, hash()), (a.flippingBit(255), hash())])
        let prefixKeys = [a] + [100, 99, 64, 1].map { a.flippingBit($0) }
        let prefixes = try addTree(
            "keys sharing long prefixes (parting at bits 100, 99, 64, 1)", prefixKeys.map { ($0, hash()) })
        let randomPairs = (0..<64).map { _ in (key: hash(), valueHash: hash()) }
        let sixtyFour = try addTree("64 random keys", randomPairs)
        let randomKeys = randomPairs.map(\.key).sorted()

        // Updates.
        var mixed: [(key: Hash256, valueHash: Hash256?)] = []
        for key in randomKeys.prefix(16) { mixed.append((key, nil)) }
        for key in randomKeys.dropFirst(16).prefix(16) { mixed.append((key, hash())) }
        for _ in 0..<16 { mixed.append((hash(), hash())) }
        try addUpdate("remove 16 keys, change 16 values, add 16 keys", tree: sixtyFour, mixed)
        try addUpdate("remove every key", tree: sixtyFour, randomKeys.reversed().map { ($0, nil) })
        try addUpdate("remove keys that are absent: nothing changes", tree: sixtyFour, [(hash(), nil), (hash(), nil)])
        try addUpdate(
            "remove the keys parting at bit 100: the one parting at bit 99 moves up to depth 65",
            tree: prefixes, [(a, nil), (a.flippingBit(100), nil)])
        try addUpdate("remove the only key", tree: one, [(Hash256(hex: trees[one].entries[0].key)!, nil)])
        let repeated = hash()
        try addUpdate(
            "one key changed three times: the last change wins", tree: empty,
            [(repeated, hash()), (a, hash()), (repeated, nil), (repeated, Hash256(words: (1, 1, 1, 1)))])
        try addUpdate(
            "add a key parting from one at bit 255", tree: one,
            [(Hash256(hex: trees[one].entries[0].key)!.flippingBit(255), hash())])

        // Proofs read from the trees.
        try addProof("any key", tree: empty, key: hash())
        for tree in [one, split0, split255, prefixes] {
            for entry in trees[tree].entries {
                try addProof("key", tree: tree, key: Hash256(hex: entry.key)!)
            }
        }
        try addProof("a key parting at bit 98", tree: prefixes, key: a.flippingBit(98))
        try addProof("a key parting at bit 0", tree: split255, key: a.flippingBit(0))
        try addProof("another key", tree: one, key: hash())
        try addProof("a key between the two", tree: split0, key: a.flippingBit(100))
        for key in randomKeys.prefix(4) { try addProof("key", tree: sixtyFour, key: key) }
        var kinds = Set<Bool>()
        while kinds.count < 2 || proofs.count < 40 {
            let vector = try addProof("random absent key", tree: sixtyFour, key: hash())
            kinds.insert(vector.proof.leaf == nil)
        }

        // Broken proofs.
        let present = proofs.first { $0.tree == sixtyFour && $0.valueHash != nil }!
        let absentLeaf = proofs.first { $0.tree == sixtyFour && $0.valueHash == nil && $0.proof.leaf != nil }!
        let absentEmpty = proofs.first { $0.tree == sixtyFour && $0.valueHash == nil && $0.proof.leaf == nil }!
        let deepest = proofs.first { $0.tree == split255 && $0.valueHash != nil }!
        let onlyKey = proofs.first { $0.tree == one && $0.valueHash != nil }!
        let other = hash().hex
        let flip = { (hex: String) -> String in Hash256(hex: hex)!.flippingBit(7).hex }
        proofs += [
            broken(present, "claimed absent") { $0.valueHash = nil },
            broken(present, "another value") { $0.valueHash = other },
            broken(present, "bit flipped in the leaf's value") { $0.proof.leaf!.valueHash = flip($0.proof.leaf!.valueHash!) },
            broken(present, "bit flipped in sibling 0") { $0.proof.siblings[0] = flip($0.proof.siblings[0]) },
            broken(present, "deepest sibling removed") { $0.proof.siblings.removeLast() },
            broken(present, "a sibling appended") { $0.proof.siblings.append(other) },
            broken(present, "an empty sibling appended (non-canonical)") {
                $0.proof.siblings.append(Hash256.zero.hex)
            },
            broken(present, "wrong root") { $0.root = other },
            broken(absentLeaf, "claimed present with the leaf's value") { $0.valueHash = $0.proof.leaf!.valueHash },
            broken(absentLeaf, "leaf hidden") { $0.proof.leaf = nil },
            broken(absentLeaf, "leaf key off the path") {
                $0.proof.leaf!.key = Hash256(hex: $0.key)!.flippingBit(0).hex
            },
            broken(absentEmpty, "claimed present") { $0.valueHash = other },
            broken(absentEmpty, "a leaf invented") { $0.proof.leaf = Self.entry(Hash256(hex: $0.key)!, Hash256(hex: other)!) },
            broken(absentEmpty, "bit flipped in the last sibling") {
                $0.proof.siblings[$0.proof.siblings.count - 1] = flip($0.proof.siblings[$0.proof.siblings.count - 1])
            },
            broken(deepest, "257 siblings") { $0.proof.siblings.append(other) },
            broken(deepest, "an empty subtree at depth 256") { $0.proof.leaf = nil; $0.valueHash = nil },
            broken(onlyKey, "a key with the leaf's value") { $0.key = other },
            broken(onlyKey, "an empty sibling (non-canonical)") { $0.proof.siblings = [Hash256.zero.hex] },
        ]

        return SparseMerkleVectorFile(
            description: """
                Sparse Merkle state tree over 256-bit keys (leaf SHA-256(0x00 || key || valueHash), \
                branch SHA-256(0x01 || left || right), empty subtree 32 zero bytes, a one-key subtree \
                is its leaf): roots, batch updates, and inclusion / non-inclusion proofs (siblings from \
                the root down), valid and not. See spec/merkle.md.
                """,
            trees: trees, updates: updates, proofs: proofs)
    }
}
