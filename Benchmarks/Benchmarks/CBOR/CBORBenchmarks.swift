import Benchmark
import BenchmarkFixtures
import FogCore
import FogCrypto
import FogTypes

/// Deterministic CBOR on the hot path of every reading: the payload a device signs and the
/// COSE_Sign1 envelope around it, encoded and decoded. Each measured iteration runs the operation
/// 1,000 times (`scalingFactor: .kilo`); the tables report it per operation.
let benchmarks: @Sendable () -> Void = {
    FogBenchmark.configure()
    let perOp = FogBenchmark.perOperation

    let key = Fixtures.key(.ed25519)
    let reading = Fixtures.reading(of: key)
    let signed = Fixtures.signedReading(key)
    let payload = signed.envelope.payload
    let envelopeBytes = signed.bytes
    let payloadValue = try! CBORReader.decode(payload)

    Benchmark("Reading-payload-encode", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(reading.encoded)
        }
    }

    Benchmark("Reading-payload-encode-from-CBORValue", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(payloadValue.encoded)
        }
    }

    Benchmark("COSE_Sign1-encode-ed25519", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(signed.envelope.encoded)
        }
    }

    Benchmark("Reading-payload-decode-CBORReader", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try CBORReader.decode(payload))
        }
    }

    Benchmark("Reading-payload-decode-schema", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try Reading.decode(payload))
        }
    }

    Benchmark("COSE_Sign1-decode-ed25519", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try COSESign1(decoding: envelopeBytes))
        }
    }

    Benchmark("Signed<Reading>-decode-no-verify-ed25519", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try Signed<Reading>(decoding: envelopeBytes, chain: Fixtures.chain))
        }
    }
}
