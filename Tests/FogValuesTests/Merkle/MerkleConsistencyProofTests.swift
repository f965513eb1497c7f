import FogCrypto
import FogMerkle
import FogTestKit
import Testing

@Suite struct MerkleConsistencyProofTests {
    typealias CT = CertificateTransparencyData

    /// The verdict for a proof built from untrusted parts: false if they do not even form a proof.
    static func accepts(_ m: UInt64, _ n: UInt64, _ path: [Hash256], _ oldRoot: Hash256, _ newRoot: Hash256) -> Bool {
        guard let proof = try? ConsistencyProof(oldSize: m, newSize: n, path: path) else { return false }
        return proof.verify(oldRoot: oldRoot, newRoot: newRoot)
    }

    @Test func certificateTransparencyProofs() throws {
        let leafHashes = CT.leaves.map(MerkleTree.leafHash)
        for vector in CT.consistencyProofs {
            let tree = Array(leafHashes.prefix(vector.newSize))
            let generated = try MerkleTree.consistencyProof(oldSize: vector.oldSize, leafHashes: tree)
            #expect(generated.path == vector.path, "\(vector.oldSize) to \(vector.newSize)")
            #expect(Self.accepts(UInt64(vector.oldSize), UInt64(vector.newSize), vector.path,
                                 CT.roots[vector.oldSize], CT.roots[vector.newSize]))
        }
    }

    @Test func everyPairOfSmallSizesMatchesTheRecursiveDefinition() throws {
        var random = SeededGenerator(seed: 9)
        let all = (0..<40).map { _ in random.hash() }
        let roots = (0...all.count).map { MerkleTree.root(leafHashes: Array(all.prefix($0))) }
        for n in 0...all.count {
            let tree = Array(all.prefix(n))
            for m in 0...n {
                let proof = try MerkleTree.consistencyProof(oldSize: m, leafHashes: tree)
                let expected = (m == 0 || m == n) ? [] : ReferenceMerkle.consistency(m, tree[...])
                #expect(proof.path == expected, "\(m) to \(n)")
                #expect(proof.oldSize == UInt64(m) && proof.newSize == UInt64(n))
                #expect(proof.verify(oldRoot: roots[m], newRoot: roots[n]), "\(m) to \(n)")
                #expect(Self.accepts(UInt64(m), UInt64(n), proof.path, roots[m], roots[n]))
                if m > 0 && m < n {
                    #expect(!proof.verify(oldRoot: roots[n], newRoot: roots[m]), "swapped roots \(m) to \(n)")
                    #expect(!proof.verify(oldRoot: roots[m - 1], newRoot: roots[n]), "older root \(m) to \(n)")
                }
            }
        }
    }

    @Test func largeTree() throws {
        var random = SeededGenerator(seed: 10)
        let tree = (0..<1000).map { _ in random.hash() }
        let newRoot = MerkleTree.root(leafHashes: tree)
        for m in [1, 2, 3, 255, 256, 257, 500, 999] {
            let proof = try MerkleTree.consistencyProof(oldSize: m, leafHashes: tree)
            #expect(proof.path == ReferenceMerkle.consistency(m, tree[...]))
            #expect(proof.verify(oldRoot: MerkleTree.root(leafHashes: Array(tree.prefix(m))), newRoot: newRoot))
        }
    }

    @Test func tamperedProofsFail() {
        for vector in CT.consistencyProofs where !vector.path.isEmpty {
            let (m, n, path) = (UInt64(vector.oldSize), UInt64(vector.newSize), vector.path)
            let (r1, r2) = (CT.roots[vector.oldSize], CT.roots[vector.newSize])
            let other = MerkleTree.leafHash([0xff])
            var probes: [(UInt64, UInt64, [Hash256], Hash256, Hash256, String)] = [
                (m - 1, n, path, r1, r2, "old size - 1"),
                (m + 1, n, path, r1, r2, "old size + 1"),
                (m ^ 2, n, path, r1, r2, "old size ^ 2"),
                (m, n * 2, path, r1, r2, "new size * 2"),
                (m, n / 2, path, r1, r2, "new size / 2"),
                (m, n, path, other, r2, "wrong old root"),
                (m, n, path, r1, other, "wrong new root"),
                (m, n, path, r2, r1, "swapped roots"),
                (m, n, [], r1, r2, "empty proof"),
                (m, n, path + [r1], r1, r2, "trailing old root"),
                (m, n, path + [r2], r1, r2, "trailing new root"),
                (m, n, [r1] + path, r1, r2, "preceding old root"),
                (m, n, [r2] + path, r1, r2, "preceding new root"),
                (m, n, [path[0]] + path, r1, r2, "preceding path[0]"),
                (m, n, Array(path.dropLast()), r1, r2, "truncated"),
            ]
            for k in path.indices {
                var flipped = path
                flipped[k] = flipped[k].flipping(bit: 4)
                probes.append((m, n, flipped, r1, r2, "bit flip in path[\(k)]"))
            }
            for (oldSize, newSize, path, oldRoot, newRoot, description) in probes {
                #expect(!Self.accepts(oldSize, newSize, path, oldRoot, newRoot), "\(description), \(m) to \(n)")
            }
        }
    }

    @Test func trivialSizes() {
        let (root1, root2) = (MerkleTree.leafHash([1]), MerkleTree.leafHash([2]))
        let empty = MerkleTree.emptyRoot
        // Every tree extends the empty tree, whose root is fixed; equal sizes need equal roots.
        #expect(Self.accepts(0, 0, [], empty, empty))
        #expect(Self.accepts(0, 1, [], empty, root1))
        #expect(Self.accepts(0, 5, [], empty, root2))
        #expect(Self.accepts(1, 1, [], root2, root2))
        #expect(!Self.accepts(0, 1, [], root1, root2))
        #expect(!Self.accepts(0, 0, [], root1, root1))
        #expect(!Self.accepts(1, 1, [], root1, root2))
        #expect(!Self.accepts(1, 1, [empty], empty, empty))
        #expect(!Self.accepts(0, 1, [empty], empty, empty))
        #expect(!Self.accepts(1, 0, [], root1, root2))
        #expect(!Self.accepts(2, 1, [], root1, root2))
        #expect(!Self.accepts(1, 2, [], root1, root2))
    }

    @Test func malformedProofsAreRejectedWithReasons() {
        let h = MerkleTree.leafHash([])
        func code(_ m: UInt64, _ n: UInt64, _ count: Int) -> MerkleError.Code? {
            do {
                _ = try ConsistencyProof(oldSize: m, newSize: n, path: Array(repeating: h, count: count))
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code(3, 2, 1) == .sizesOutOfOrder)
        #expect(code(1, .max, 64) == .treeSizeTooLarge)
        #expect(code(1, 2, 0) == .wrongPathLength)
        #expect(code(1, 2, 2) == .wrongPathLength)
        #expect(code(3, 3, 1) == .wrongPathLength)
        #expect(code(3, 7, 10_000) == .wrongPathLength)
        // The longest proofs, from an odd old size to the largest tree, have 64 hashes.
        #expect(code(3, MerkleTree.maxTreeSize, 64) == nil)
        #expect(code(MerkleTree.maxTreeSize - 1, MerkleTree.maxTreeSize, 63) == nil)
    }

    @Test func generationRejectsSizesOutsideTheTree() {
        let tree = [MerkleTree.leafHash([1]), MerkleTree.leafHash([2])]
        #expect(throws: MerkleError.self) { try MerkleTree.consistencyProof(oldSize: 3, leafHashes: tree) }
        #expect(throws: MerkleError.self) { try MerkleTree.consistencyProof(oldSize: -1, leafHashes: tree) }
    }
}
