import Benchmark
import BenchmarkFixtures
import FogCore
import FogCrypto

/// COSE_Sign1 signing and verification per algorithm over a reading's payload, the bare signature
/// check underneath (to show what COSE adds), public-key parsing, and Ed25519 signatures of 32
/// devices checked as one `SignatureBatch` (as validators check gossiped envelopes), and batches of
/// 1 and 4.
let benchmarks: @Sendable () -> Void = {
    FogBenchmark.configure()

    for algorithm in SignatureAlgorithm.allCases {
        let key = Fixtures.key(algorithm)
        let publicKey = key.publicKey
        let payload = Fixtures.reading(of: key).encoded
        let envelope = try! COSESign1.sign(payload: payload, with: key)
        let toBeSigned = COSESign1.toBeSigned(protectedHeader: envelope.protectedHeader, payload: payload)
        precondition(envelope.isValid(with: publicKey))

        Benchmark("COSE_Sign1-sign-\(algorithm)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try COSESign1.sign(payload: payload, with: key))
            }
        }

        Benchmark("COSE_Sign1-verify-\(algorithm)") { benchmark in
            for _ in benchmark.scaledIterations {
                try envelope.verify(with: publicKey)
            }
        }

        Benchmark("raw-signature-verify-\(algorithm)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(publicKey.isValidSignature(envelope.signature, for: toBeSigned))
            }
        }

        let rawKey = publicKey.rawBytes
        Benchmark("PublicKey-parse-\(algorithm)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try PublicKey(algorithm: algorithm, rawBytes: rawKey))
            }
        }
    }

    var generator = BenchmarkGenerator(seed: 0xBA7C4)
    let signed = (0..<32).map { _ in
        let key = PrivateKey.generate(.ed25519, using: &generator)
        return (try! COSESign1.sign(payload: Fixtures.reading(of: key).encoded, with: key), key.publicKey)
    }
    // Batches of 1, 4 and 32 (single submissions arriving together make small ones); one iteration
    // checks the whole batch: divide by its size for the time per signature.
    for size in [1, 4, 32] {
        var batch = SignatureBatch()
        for (envelope, key) in signed.prefix(size) { batch.append(envelope, by: key) }
        precondition(!batch.verify().contains(false))
        Benchmark("SignatureBatch-verify-ed25519-\(size)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(batch.verify())
            }
        }
    }
}
