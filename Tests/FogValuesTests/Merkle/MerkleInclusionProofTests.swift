import FogCrypto
import FogMerkle
import FogTestKit
import Testing

@Suite struct MerkleInclusionProofTests {
    typealias CT = CertificateTransparencyData

    /// The verdict for a proof built from untrusted parts: false if they do not even form a proof.
    static func accepts(index: UInt64, size: UInt64, path: [Hash256], leaf: Hash256, root: Hash256) -> Bool {
        guard let proof = try? InclusionProof(leafIndex: index, treeSize: size, path: path) else { return false }
        return proof.verify(leafHash: leaf, root: root)
    }

    @Test func certificateTransparencyProofs() throws {
        let leafHashes = CT.leaves.map(MerkleTree.leafHash)
        for vector in CT.inclusionProofs {
            let tree = Array(leafHashes.prefix(vector.size))
            let generated = try MerkleTree.inclusionProof(index: vector.index, leafHashes: tree)
            #expect(generated.path == vector.path, "leaf \(vector.index) of \(vector.size)")
            let parsed = try InclusionProof(
                leafIndex: UInt64(vector.index), treeSize: UInt64(vector.size), path: vector.path)
            #expect(parsed.verify(leafHash: leafHashes[vector.index], root: CT.roots[vector.size]))
        }
    }

    @Test func everyLeafOfSmallTreesMatchesTheRecursiveDefinition() throws {
        var random = SeededGenerator(seed: 7)
        let all = (0..<40).map { _ in random.hash() }
        for size in 1...all.count {
            let tree = Array(all.prefix(size))
            let root = MerkleTree.root(leafHashes: tree)
            for index in 0..<size {
                let proof = try MerkleTree.inclusionProof(index: index, leafHashes: tree)
                #expect(proof.path == ReferenceMerkle.path(index, tree[...]))
                #expect(proof.leafIndex == UInt64(index) && proof.treeSize == UInt64(size))
                #expect(try proof.computeRoot(leafHash: tree[index]) == root)
                // The shape check agrees with the generator on the path length.
                #expect(throws: Never.self) {
                    try InclusionProof(leafIndex: UInt64(index), treeSize: UInt64(size), path: proof.path)
                }
            }
        }
    }

    @Test func largeTree() throws {
        var random = SeededGenerator(seed: 8)
        let tree = (0..<1000).map { _ in random.hash() }
        let root = MerkleTree.root(leafHashes: tree)
        for index in [0, 1, 511, 512, 767, 998, 999] {
            let proof = try MerkleTree.inclusionProof(index: index, leafHashes: tree)
            #expect(proof.path == ReferenceMerkle.path(index, tree[...]))
            #expect(proof.verify(leafHash: tree[index], root: root))
        }
    }

    @Test func tamperedProofsFail() throws {
        let leafHashes = CT.leaves.map(MerkleTree.leafHash)
        for vector in CT.inclusionProofs where vector.size > 1 {
            let (i, n) = (UInt64(vector.index), UInt64(vector.size))
            let (leaf, root, path) = (leafHashes[vector.index], CT.roots[vector.size], vector.path)
            #expect(Self.accepts(index: i, size: n, path: path, leaf: leaf, root: root))
            let other = MerkleTree.leafHash([0xff])
            var probes: [(UInt64, UInt64, [Hash256], Hash256, Hash256, String)] = [
                (i &- 1, n, path, leaf, root, "index - 1"),
                (i + 1, n, path, leaf, root, "index + 1"),
                (i ^ 2, n, path, leaf, root, "index ^ 2"),
                (i, n * 2, path, leaf, root, "size * 2"),
                (i, n / 2, path, leaf, root, "size / 2"),
                (i, n, path, other, root, "wrong leaf"),
                (i, n, path, leaf, MerkleTree.emptyRoot, "empty root"),
                (i, n, path, leaf, other, "wrong root"),
                (i, n, path + [root], leaf, root, "trailing root"),
                (i, n, [root] + path, leaf, root, "preceding root"),
                (i, n, Array(path.dropLast()), leaf, root, "removed hash"),
                (i, n, [path[0], other] + path.dropFirst(), leaf, root, "inserted hash"),
                (i, n, path.reversed(), leaf, root, "reversed path"),
            ]
            for k in path.indices {
                var flipped = path
                flipped[k] = flipped[k].flipping(bit: 3)
                probes.append((i, n, flipped, leaf, root, "bit flip in path[\(k)]"))
            }
            for (index, size, path, leaf, root, description) in probes where path != vector.path || index != i
                || size != n || leaf != leafHashes[vector.index] || root != CT.roots[vector.size]
            {
                #expect(!Self.accepts(index: index, size: size, path: path, leaf: leaf, root: root),
                        "\(description) for leaf \(i) of \(n)")
            }
        }
    }

    @Test func malformedProofsAreRejectedWithReasons() {
        let h = MerkleTree.leafHash([])
        func code(_ index: UInt64, _ size: UInt64, _ count: Int) -> MerkleError.Code? {
            do {
                _ = try InclusionProof(leafIndex: index, treeSize: size, path: Array(repeating: h, count: count))
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code(0, 0, 0) == .indexOutOfRange)
        #expect(code(5, 5, 3) == .indexOutOfRange)
        #expect(code(.max, 3, 2) == .indexOutOfRange)
        #expect(code(0, .max, 64) == .treeSizeTooLarge)
        #expect(code(0, MerkleTree.maxTreeSize + 1, 63) == .treeSizeTooLarge)
        #expect(code(0, 8, 2) == .wrongPathLength)
        #expect(code(0, 8, 4) == .wrongPathLength)
        #expect(code(0, 1, 1) == .wrongPathLength)
        #expect(code(0, 8, 10_000) == .wrongPathLength)
        // The largest trees still take proofs of at most 64 hashes.
        #expect(code(0, MerkleTree.maxTreeSize, 63) == nil)
        #expect(code(MerkleTree.maxTreeSize - 1, MerkleTree.maxTreeSize, 62) == nil)
    }

    @Test func singleLeafTreeHasAnEmptyPath() throws {
        let leaf = MerkleTree.leafHash(Array("data".utf8))
        let proof = try MerkleTree.inclusionProof(index: 0, leafHashes: [leaf])
        #expect(proof.path.isEmpty)
        #expect(proof.verify(leafHash: leaf, root: leaf))
        #expect(!proof.verify(leafHash: leaf, root: MerkleTree.emptyRoot))
    }

    @Test func generationRejectsIndicesOutsideTheTree() {
        let tree = [MerkleTree.leafHash([1]), MerkleTree.leafHash([2])]
        #expect(throws: MerkleError.self) { try MerkleTree.inclusionProof(index: 2, leafHashes: tree) }
        #expect(throws: MerkleError.self) { try MerkleTree.inclusionProof(index: -1, leafHashes: tree) }
        #expect(throws: MerkleError.self) { try MerkleTree.inclusionProof(index: 0, leafHashes: []) }
    }
}
