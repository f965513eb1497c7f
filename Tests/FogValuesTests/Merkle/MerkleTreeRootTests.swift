import FogCrypto
import FogMerkle
import FogTestKit
import Testing

@Suite struct MerkleTreeRootTests {
    typealias CT = CertificateTransparencyData

    @Test func emptyTreeRootIsTheHashOfNothing() {
        #expect(MerkleTree.emptyRoot.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(MerkleTree.root(leafHashes: []) == MerkleTree.emptyRoot)
    }

    @Test func hashesAreDomainSeparated() {
        let data: [UInt8] = [0x61, 0x62]
        #expect(MerkleTree.leafHash(data) == SHA256Hasher.hash([0x00, 0x61, 0x62]))
        let (a, b) = (MerkleTree.leafHash([1]), MerkleTree.leafHash([2]))
        #expect(MerkleTree.nodeHash(a, b) == SHA256Hasher.hash([0x01] + a.bytes + b.bytes))
    }

    @Test func certificateTransparencyRoots() {
        let leafHashes = CT.leaves.map(MerkleTree.leafHash)
        for size in 0...8 {
            #expect(MerkleTree.root(leafHashes: Array(leafHashes.prefix(size))) == CT.roots[size], "size \(size)")
        }
    }

    @Test func matchesTheRecursiveDefinition() {
        var random = SeededGenerator(seed: 0x6d65_726b)
        var leafHashes: [Hash256] = []
        for size in 0...130 {
            #expect(MerkleTree.root(leafHashes: leafHashes) == ReferenceMerkle.root(leafHashes[...]), "size \(size)")
            let length = Int.random(in: 0...40, using: &random)
            leafHashes.append(ReferenceMerkle.leafHash(random.bytes(length)))
        }
    }

    @Test(arguments: [255, 256, 257, 1023, 1024, 1025, 10_000])
    func largeTreesMatchTheRecursiveDefinition(size: Int) {
        var random = SeededGenerator(seed: UInt64(size))
        let leafHashes = (0..<size).map { _ in random.hash() }
        #expect(MerkleTree.root(leafHashes: leafHashes) == ReferenceMerkle.root(leafHashes[...]))
    }
}
