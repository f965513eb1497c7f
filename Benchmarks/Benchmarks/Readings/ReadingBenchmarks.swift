import Benchmark
import BenchmarkFixtures
import FogCore
import FogCrypto
import FogTypes

/// A reading end to end, as a node receives it: bytes in, `Signed<Reading>` decoded (COSE envelope,
/// payload schema, chain check) and its signature verified with the device's already-parsed key
/// (the ledger holds it); and the device side, encode and sign. A signed batch of 100 readings
/// shows what batching saves per reading.
let benchmarks: @Sendable () -> Void = {
    FogBenchmark.configure()

    for algorithm in SignatureAlgorithm.allCases {
        let key = Fixtures.key(algorithm)
        let publicKey = key.publicKey
        let reading = Fixtures.reading(of: key)
        let bytes = Fixtures.signedReading(key).bytes

        Benchmark("Signed<Reading>-decode-verify-\(algorithm)") { benchmark in
            for _ in benchmark.scaledIterations {
                let signed = try Signed<Reading>(decoding: bytes, chain: Fixtures.chain)
                try signed.verify(with: publicKey)
                blackHole(signed)
            }
        }

        Benchmark("Signed<Reading>-encode-sign-\(algorithm)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try Signed.sign(reading, with: key))
            }
        }
    }

    let key = Fixtures.key(.ed25519)
    let batchBytes = Fixtures.signedBatch(key, count: 100).bytes
    Benchmark("Signed<ReadingBatch>-100-decode-verify-ed25519") { benchmark in
        for _ in benchmark.scaledIterations {
            let signed = try Signed<ReadingBatch>(decoding: batchBytes, chain: Fixtures.chain)
            try signed.verify(with: key.publicKey)
            blackHole(signed)
        }
    }
}
