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

    Benchmark("CBOR encode reading payload (Reading.encoded)", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(reading.encoded)
        }
    }

    Benchmark("CBOR encode reading payload (CBORValue, pre-built)", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(payloadValue.encoded)
        }
    }

    Benchmark("CBOR encode COSE_Sign1 reading (ed25519)", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(signed.envelope.encoded)
        }
    }

    Benchmark("CBOR decode reading payload (CBORReader)", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try CBORReader.decode(payload))
        }
    }

    Benchmark("CBOR decode reading payload (Reading.decode, schema)", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try Reading.decode(payload))
        }
    }

    Benchmark("CBOR decode COSE_Sign1 reading (COSESign1)", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try COSESign1(decoding: envelopeBytes))
        }
    }

    Benchmark("CBOR decode COSE_Sign1 reading (Signed<Reading>, no verify)", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try Signed<Reading>(decoding: envelopeBytes, chain: Fixtures.chain))
        }
    }
}
