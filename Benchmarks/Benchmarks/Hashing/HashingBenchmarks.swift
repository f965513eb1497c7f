import Benchmark
import BenchmarkFixtures
import FogCrypto

/// SHA-256 through `SHA256Hasher`, the only way FogLedger hashes (ids, Merkle nodes, addresses).
/// Each measured iteration hashes 1,000 times; the tables report it per hash.
let benchmarks: @Sendable () -> Void = {
    FogBenchmark.configure()
    let perOp = FogBenchmark.perOperation

    var generator = BenchmarkGenerator(seed: 256)
    for size in [32, 1024] {
        let input = generator.bytes(size)
        Benchmark("SHA-256-\(size)B", configuration: perOp) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(SHA256Hasher.hash(input))
            }
        }
    }
}
