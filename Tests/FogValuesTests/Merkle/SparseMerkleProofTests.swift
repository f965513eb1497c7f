import FogCrypto
import FogMerkle
import FogTestKit
import Testing

@Suite struct SparseMerkleProofTests {
    typealias Terminal = SparseMerkleProof.Terminal

    /// The verdict for a proof built from untrusted parts: false if they do not even form a proof.
    static func accepts(_ terminal: Terminal, _ siblings: [Hash256], root: Hash256, key: Hash256, value: Hash256?) -> Bool {
        guard let proof = try? SparseMerkleProof(terminal: terminal, siblings: siblings) else { return false }
        return proof.verify(root: root, key: key, valueHash: value)
    }

    static func tree(_ count: Int, seed: UInt64) throws -> (SparseFixture, [Hash256: Hash256]) {
        var random = SeededGenerator(seed: seed)
        var tree = SparseFixture()
        var map: [Hash256: Hash256] = [:]
        for _ in 0..<count { map[random.hash()] = random.hash() }
        try tree.apply(map.keys.sorted().map { (key: $0, valueHash: map[$0]) })
        return (tree, map)
    }

    @Test func inclusionAndNonInclusionProofsVerify() throws {
        let (tree, map) = try Self.tree(500, seed: 41)
        var depths: [Int] = []
        for key in map.keys.sorted() {
            let proof = try tree.proof(key)
            depths.append(proof.siblings.count)
            #expect(proof.terminal == .leaf(key: key, valueHash: map[key]!))
            #expect(proof.verify(root: tree.root, key: key, valueHash: map[key]))
            #expect(!proof.verify(root: tree.root, key: key, valueHash: nil))
            #expect(!proof.verify(root: tree.root, key: key, valueHash: key))
        }
        // About log2(500) ≈ 9 hashes per proof, not 256.
        #expect(depths.max()! <= 24 && depths.reduce(0, +) / depths.count <= 12)

        var random = SeededGenerator(seed: 42)
        var (emptyEnds, leafEnds) = (0, 0)
        for _ in 0..<300 {
            let key = random.hash()
            let proof = try tree.proof(key)
            switch proof.terminal {
            case .empty: emptyEnds += 1
            case let .leaf(other, _): leafEnds += 1; #expect(other != key)
            }
            #expect(proof.verify(root: tree.root, key: key, valueHash: nil))
            #expect(!proof.verify(root: tree.root, key: key, valueHash: random.hash()))
        }
        // Both ways of proving absence occur.
        #expect(emptyEnds > 0 && leafEnds > 0)
    }

    @Test func tamperedProofsFail() throws {
        let (tree, map) = try Self.tree(100, seed: 43)
        var random = SeededGenerator(seed: 44)
        let present = map.keys.sorted().prefix(10).map { ($0, Optional(map[$0]!)) }
        let absent = (0..<10).map { _ in (random.hash(), Hash256?.none) }
        for (key, value) in present + absent {
            let proof = try tree.proof(key)
            let (terminal, siblings, root) = (proof.terminal, proof.siblings, tree.root)
            #expect(Self.accepts(terminal, siblings, root: root, key: key, value: value))
            var probes: [(Terminal, [Hash256], Hash256, Hash256, String)] = [
                (terminal, siblings, random.hash(), key, "wrong root"),
                (terminal, Array(siblings.dropLast()), root, key, "deepest sibling dropped"),
                (terminal, Array(siblings.dropFirst()), root, key, "top sibling dropped"),
                (terminal, siblings + [random.hash()], root, key, "sibling appended"),
                (terminal, [random.hash()] + siblings, root, key, "sibling prepended"),
                (terminal, siblings.reversed(), root, key, "siblings reversed"),
            ]
            for d in siblings.indices {
                var flipped = siblings
                flipped[d] = flipped[d].flipping(bit: 200)
                probes.append((terminal, flipped, root, key, "bit flip in sibling \(d)"))
                probes.append((terminal, siblings, root, key.flipping(bit: d), "key bit \(d) flipped"))
            }
            switch terminal {
            case .empty:
                probes.append((.leaf(key: key, valueHash: random.hash()), siblings, root, key, "invented leaf"))
            case let .leaf(leafKey, leafValue):
                probes.append((.empty, siblings, root, key, "leaf hidden"))
                probes.append((.leaf(key: leafKey, valueHash: leafValue.flipping(bit: 0)), siblings, root, key, "value changed"))
                probes.append((.leaf(key: leafKey.flipping(bit: 255), valueHash: leafValue), siblings, root, key, "leaf key changed"))
            }
            for (probeTerminal, probeSiblings, probeRoot, probeKey, description) in probes
            where probeTerminal != terminal || probeSiblings != siblings || probeRoot != root || probeKey != key {
                // A probe whose key changed still asks about the original key's value.
                let expected = probeKey == key ? value : nil
                #expect(!Self.accepts(probeTerminal, probeSiblings, root: probeRoot, key: probeKey, value: expected),
                        "\(description) for \(key)")
            }
        }
    }

    @Test func aProofOfAbsenceCoversTheKeysSharingItsPath() throws {
        let (tree, map) = try Self.tree(100, seed: 45)
        for key in map.keys.sorted().prefix(20) {
            // The leaf of `key` also shows that its neighbour (parting at the last bit) is absent.
            let proof = try tree.proof(key)
            let neighbour = key.flipping(bit: 255)
            #expect(map[neighbour] == nil)
            #expect(proof.verify(root: tree.root, key: neighbour, valueHash: nil))
            #expect(try tree.proof(neighbour) == proof)
        }
    }

    @Test func aLeafOffThePathProvesNothing() throws {
        // A two-key tree: keys parting at bit 0. A proof for a key on the left side that names the
        // right leaf at depth 1 is rejected even before hashing.
        var tree = SparseFixture()
        let left = Hash256(words: (0, 0, 0, 1))
        let right = Hash256(words: (1 << 63, 0, 0, 1))
        let value = Hash256(words: (5, 5, 5, 5))
        try tree.apply([(left, value), (right, value)])
        let stranger = Hash256(words: (0, 0, 0, 2))
        let forged = try SparseMerkleProof(
            terminal: .leaf(key: right, valueHash: value),
            siblings: [SparseMerkleTree.leafHash(key: left, valueHash: value)])
        #expect(throws: MerkleError.self) { try forged.computeRoot(key: stranger) }
        #expect(!forged.verify(root: tree.root, key: stranger, valueHash: nil))
        // The honest proof for the stranger ends in the left leaf.
        let honest = try tree.proof(stranger)
        #expect(honest.terminal == .leaf(key: left, valueHash: value))
        #expect(honest.verify(root: tree.root, key: stranger, valueHash: nil))
    }

    @Test func malformedProofsAreRejectedWithReasons() {
        let h = Hash256(words: (1, 2, 3, 4))
        let leaf = Terminal.leaf(key: h, valueHash: h)
        func code(_ terminal: Terminal, _ siblings: [Hash256]) -> MerkleError.Code? {
            do {
                _ = try SparseMerkleProof(terminal: terminal, siblings: siblings)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code(leaf, Array(repeating: h, count: 257)) == .wrongPathLength)
        #expect(code(.empty, Array(repeating: h, count: 10_000)) == .wrongPathLength)
        #expect(code(leaf, [h, Hash256.zero]) == .nonCanonicalProof)
        #expect(code(.empty, [Hash256.zero]) == .nonCanonicalProof)
        #expect(code(.empty, Array(repeating: h, count: 256)) == .nonCanonicalProof)
        #expect(code(leaf, Array(repeating: h, count: 256)) == nil)
        #expect(code(leaf, [Hash256.zero, h]) == nil)  // an empty sibling higher up is canonical
        #expect(code(.empty, []) == nil)
    }

    @Test func checkSaysWhy() throws {
        var tree = SparseFixture()
        let (key, value) = (Hash256(words: (3, 0, 0, 0)), Hash256(words: (4, 0, 0, 0)))
        try tree.apply([(key, value)])
        let proof = try tree.proof(key)
        func code(_ work: () throws(MerkleError) -> Void) -> MerkleError.Code? {
            do { try work(); return nil } catch { return error.code }
        }
        #expect(code { () throws(MerkleError) in try proof.check(root: tree.root, key: key, valueHash: value) } == nil)
        #expect(code { () throws(MerkleError) in try proof.check(root: tree.root, key: key, valueHash: nil) } == .leafMismatch)
        #expect(code { () throws(MerkleError) in try proof.check(root: tree.root, key: key, valueHash: key) } == .leafMismatch)
        #expect(code { () throws(MerkleError) in try proof.check(root: value, key: key, valueHash: value) } == .rootMismatch)
    }
}
