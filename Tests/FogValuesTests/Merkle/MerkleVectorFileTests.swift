import FogCore
import FogCrypto
import FogMerkle
import FogTestKit
import Testing

/// Checks every entry of the committed Tests/Vectors/merkle.json and sparse-merkle.json against the
/// implementation, so the published vectors and the code can never disagree.
@Suite struct MerkleVectorFileTests {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    static func hash(_ hex: String) throws -> Hash256 {
        guard let hash = Hash256(hex: hex) else { throw Malformed(description: "not a hash: \(hex)") }
        return hash
    }

    static func hashes(_ hex: [String]) throws -> [Hash256] {
        try hex.map(hash)
    }

    @Test func logVectors() throws {
        let file = try VectorFiles.load("merkle.json", as: MerkleVectorFile.self)
        #expect(file.trees.count >= 10)
        var treeLeafHashes: [[Hash256]] = []
        for tree in file.trees {
            let leaves = try tree.leaves.map { hex in
                guard let bytes = Hex.decode(hex) else { throw Malformed(description: "not hex: \(hex)") }
                return bytes
            }
            let leafHashes = leaves.map(MerkleTree.leafHash)
            #expect(try leafHashes == Self.hashes(tree.leafHashes), "\(tree.description)")
            #expect(try MerkleTree.root(leafHashes: leafHashes) == Self.hash(tree.root), "\(tree.description)")
            treeLeafHashes.append(leafHashes)
        }
        // The first nine are the Certificate Transparency reference trees.
        for size in 0...8 {
            #expect(try Self.hash(file.trees[size].root) == CertificateTransparencyData.roots[size])
        }

        #expect(file.inclusionProofs.contains { $0.valid } && file.inclusionProofs.contains { !$0.valid })
        for vector in file.inclusionProofs {
            let (leaf, root, path) = (try Self.hash(vector.leafHash), try Self.hash(vector.root), try Self.hashes(vector.path))
            let proof = try? InclusionProof(leafIndex: vector.leafIndex, treeSize: vector.treeSize, path: path)
            let verdict = proof?.verify(leafHash: leaf, root: root) ?? false
            #expect(verdict == vector.valid, "\(vector.description)")
            if let tree = vector.tree {
                let generated = try MerkleTree.inclusionProof(index: Int(vector.leafIndex), leafHashes: treeLeafHashes[tree])
                #expect(generated == proof, "\(vector.description)")
            }
        }

        #expect(file.consistencyProofs.contains { $0.valid } && file.consistencyProofs.contains { !$0.valid })
        for vector in file.consistencyProofs {
            let (oldRoot, newRoot) = (try Self.hash(vector.oldRoot), try Self.hash(vector.newRoot))
            let path = try Self.hashes(vector.path)
            let proof = try? ConsistencyProof(oldSize: vector.oldSize, newSize: vector.newSize, path: path)
            let verdict = proof?.verify(oldRoot: oldRoot, newRoot: newRoot) ?? false
            #expect(verdict == vector.valid, "\(vector.description)")
            if let tree = vector.tree {
                let generated = try MerkleTree.consistencyProof(oldSize: Int(vector.oldSize), leafHashes: treeLeafHashes[tree])
                #expect(generated == proof, "\(vector.description)")
            }
        }
    }

    static func changes(_ entries: [SparseMerkleEntryVector]) throws -> [(key: Hash256, valueHash: Hash256?)] {
        try entries.map { (key: try hash($0.key), valueHash: try $0.valueHash.map(hash)) }
    }

    static func proof(_ body: SparseMerkleProofBody) throws -> SparseMerkleProof? {
        let terminal: SparseMerkleProof.Terminal
        if let leaf = body.leaf {
            guard let value = leaf.valueHash else { throw Malformed(description: "a leaf without a value") }
            terminal = .leaf(key: try hash(leaf.key), valueHash: try hash(value))
        } else {
            terminal = .empty
        }
        return try? SparseMerkleProof(terminal: terminal, siblings: try hashes(body.siblings))
    }

    @Test func sparseVectors() throws {
        let file = try VectorFiles.load("sparse-merkle.json", as: SparseMerkleVectorFile.self)
        var store = InMemorySparseMerkleNodeStore()
        var roots: [Hash256] = []
        var maps: [[Hash256: Hash256]] = []
        for tree in file.trees {
            let changes = try Self.changes(tree.entries)
            let update = try SparseMerkleTree.update(root: SparseMerkleTree.emptyRoot, rootVersion: 0, changes: changes, version: 0, in: store)
            store.insert(update)
            #expect(try update.root == Self.hash(tree.root), "\(tree.description)")
            var map: [Hash256: Hash256] = [:]
            for change in changes { map[change.key] = change.valueHash }
            #expect(ReferenceMerkle.sparseRoot(map) == update.root, "\(tree.description)")
            roots.append(update.root)
            maps.append(map)
        }
        #expect(roots.first == SparseMerkleTree.emptyRoot)

        for vector in file.updates {
            let changes = try Self.changes(vector.changes)
            let update = try SparseMerkleTree.update(root: roots[vector.tree], rootVersion: 0, changes: changes, version: 0, in: store)
            #expect(try update.root == Self.hash(vector.root), "\(vector.description)")
            var map = maps[vector.tree]
            for change in changes { map[change.key] = change.valueHash }
            #expect(ReferenceMerkle.sparseRoot(map) == update.root, "\(vector.description)")
        }

        #expect(file.proofs.contains { $0.valid } && file.proofs.contains { !$0.valid })
        for vector in file.proofs {
            let (root, key) = (try Self.hash(vector.root), try Self.hash(vector.key))
            let value = try vector.valueHash.map(Self.hash)
            let proof = try Self.proof(vector.proof)
            let verdict = proof?.verify(root: root, key: key, valueHash: value) ?? false
            #expect(verdict == vector.valid, "\(vector.description)")
            if let tree = vector.tree {
                #expect(root == roots[tree])
                #expect(try SparseMerkleTree.proof(for: key, root: root, version: 0, in: store) == proof, "\(vector.description)")
                #expect(try SparseMerkleTree.value(for: key, root: root, version: 0, in: store) == value, "\(vector.description)")
            }
        }
    }
}
