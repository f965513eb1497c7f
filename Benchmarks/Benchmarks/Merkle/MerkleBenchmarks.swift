import Benchmark
import BenchmarkFixtures
import FogCrypto
import FogMerkle

/// The two Merkle structures a block commits to: the RFC 9162 tree over its transactions and
/// readings (root, inclusion proofs), and the sparse Merkle state tree (batch update, proofs).
let benchmarks: @Sendable () -> Void = {
    FogBenchmark.configure(seconds: 3)
    let perOp = FogBenchmark.perOperation
    var withMemory = FogBenchmark.metrics
    withMemory.append(.peakMemoryResident)

    // MARK: RFC 9162 tree of 10,000 leaves

    let leafCount = 10_000
    var generator = BenchmarkGenerator(seed: 9162)
    // Leaves about the size of a signed Ed25519 reading (~140 bytes).
    let leaves = (0..<leafCount).map { _ in generator.bytes(140) }
    let leafHashes = leaves.map(MerkleTree.leafHash)
    let root = MerkleTree.root(leafHashes: leafHashes)
    let proofIndices = (0..<1_000).map { _ in Int(generator.next() % UInt64(leafCount)) }
    let proofs = proofIndices.map { try! MerkleTree.inclusionProof(index: $0, leafHashes: leafHashes) }

    Benchmark("RFC9162-leaf-hashes-10k") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(leaves.map(MerkleTree.leafHash))
        }
    }

    Benchmark("RFC9162-root-10k") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(MerkleTree.root(leafHashes: leafHashes))
        }
    }

    Benchmark("RFC9162-inclusion-proof-10k") { benchmark in
        var next = 0
        for _ in benchmark.scaledIterations {
            blackHole(try MerkleTree.inclusionProof(index: proofIndices[next], leafHashes: leafHashes))
            next = (next + 1) % proofIndices.count
        }
    }

    Benchmark("RFC9162-inclusion-verify-10k", configuration: perOp) { benchmark in
        var next = 0
        for _ in benchmark.scaledIterations {
            let proof = proofs[next]
            precondition(proof.verify(leafHash: leafHashes[proofIndices[next]], root: root))
            next = (next + 1) % proofs.count
        }
    }

    let consistency = try! MerkleTree.consistencyProof(oldSize: 7_000, leafHashes: leafHashes)
    let oldRoot = MerkleTree.root(leafHashes: Array(leafHashes.prefix(7_000)))

    Benchmark("RFC9162-consistency-proof-7k-of-10k") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try MerkleTree.consistencyProof(oldSize: 7_000, leafHashes: leafHashes))
        }
    }

    Benchmark("RFC9162-consistency-verify-7k-of-10k", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations {
            precondition(consistency.verify(oldRoot: oldRoot, newRoot: root))
        }
    }

    // MARK: Sparse Merkle state tree

    /// `count` random keys with random value hashes.
    func changes(_ count: Int, seed: UInt64) -> [(key: Hash256, valueHash: Hash256?)] {
        var generator = BenchmarkGenerator(seed: seed)
        return (0..<count).map { _ in (key: generator.hash(), valueHash: generator.hash()) }
    }

    let batch = changes(10_000, seed: 1)
    let empty = InMemorySparseMerkleNodeStore()
    let smtConfiguration = Benchmark.Configuration(
        metrics: withMemory, warmupIterations: 2, maxDuration: .seconds(3),
        thresholds: FogBenchmark.thresholds(memory: true))

    Benchmark("SMT-update-10k-into-empty", configuration: smtConfiguration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try SparseMerkleTree.update(root: SparseMerkleTree.emptyRoot, rootVersion: 0, changes: batch, version: 0, in: empty))
        }
    }

    Benchmark("SMT-update-10k-into-empty-and-store", configuration: smtConfiguration) { benchmark in
        for _ in benchmark.scaledIterations {
            var store = InMemorySparseMerkleNodeStore()
            let update = try SparseMerkleTree.update(root: SparseMerkleTree.emptyRoot, rootVersion: 0, changes: batch, version: 0, in: store)
            store.insert(update)
            blackHole(store)
        }
    }

    // A tree of 100,000 keys, built once; then 10,000 changes: 5,000 new keys and 5,000 updates.
    let baseKeys = changes(100_000, seed: 2)
    var bigStore = InMemorySparseMerkleNodeStore()
    let bigUpdate = try! SparseMerkleTree.update(root: SparseMerkleTree.emptyRoot, rootVersion: 0, changes: baseKeys, version: 0, in: bigStore)
    bigStore.insert(bigUpdate)
    let bigRoot = bigUpdate.root
    let store100k = bigStore
    var mixGenerator = BenchmarkGenerator(seed: 3)
    let mixed: [(key: Hash256, valueHash: Hash256?)] =
        changes(5_000, seed: 4) + baseKeys.prefix(5_000).map { (key: $0.key, valueHash: mixGenerator.hash()) }

    Benchmark("SMT-update-10k-into-100k", configuration: smtConfiguration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try SparseMerkleTree.update(root: bigRoot, rootVersion: 0, changes: mixed, version: 0, in: store100k))
        }
    }

    let present = baseKeys.prefix(1_000).map { $0 }
    let absent = changes(1_000, seed: 5).map(\.key)
    let inclusion = present.map { try! SparseMerkleTree.proof(for: $0.key, root: bigRoot, version: 0, in: store100k) }
    let exclusion = absent.map { try! SparseMerkleTree.proof(for: $0, root: bigRoot, version: 0, in: store100k) }

    // Bimodal from run to run (about 1.5 or 3 µs): a proof walks ~17 random nodes of a 200,000-entry
    // dictionary, so it measures cache and TLB misses, which vary with the process's memory layout.
    var proofConfiguration = perOp
    proofConfiguration.thresholds = FogBenchmark.thresholds(timePercent: 200)
    Benchmark("SMT-proof-100k", configuration: proofConfiguration) { benchmark in
        var next = 0
        for _ in benchmark.scaledIterations {
            blackHole(try SparseMerkleTree.proof(for: present[next].key, root: bigRoot, version: 0, in: store100k))
            next = (next + 1) % present.count
        }
    }

    Benchmark("SMT-inclusion-verify-100k", configuration: perOp) { benchmark in
        var next = 0
        for _ in benchmark.scaledIterations {
            precondition(inclusion[next].verify(root: bigRoot, key: present[next].key, valueHash: present[next].valueHash))
            next = (next + 1) % inclusion.count
        }
    }

    Benchmark("SMT-non-inclusion-verify-100k", configuration: perOp) { benchmark in
        var next = 0
        for _ in benchmark.scaledIterations {
            precondition(exclusion[next].verify(root: bigRoot, key: absent[next], valueHash: nil))
            next = (next + 1) % exclusion.count
        }
    }
}
