public import Benchmark
public import FogCore
public import FogCrypto
public import FogTypes

/// The fixtures' seeded generator: FogCore's SplitMix64, so every fixture is the same on every run.
public typealias BenchmarkGenerator = SplitMix64

extension SplitMix64 {
    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            let word = next()
            for shift in stride(from: 0, to: 64, by: 8) where out.count < count {
                out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return out
    }

    /// A random 256-bit digest.
    public mutating func hash() -> Hash256 {
        Hash256(words: (next(), next(), next(), next()))
    }
}

/// The objects the suites measure, built once per process from fixed seeds.
public enum Fixtures {
    /// The chain every fixture object names.
    public static let chain = try! ChainID("fog-bench")

    /// A device key of `algorithm`, always the same one.
    public static func key(_ algorithm: SignatureAlgorithm) -> PrivateKey {
        var generator = BenchmarkGenerator(seed: 0xF06_0000 + UInt64(SignatureAlgorithm.allCases.firstIndex(of: algorithm)!))
        return PrivateKey.generate(algorithm, using: &generator)
    }

    /// A typical cold-chain reading of the device whose key is `key`: an inline map of a
    /// temperature (a half-precision float) and a relative humidity, as a small sensor sends it.
    public static func reading(of key: PrivateKey, sequence: UInt64 = 42) -> Reading {
        let value = CBORValue.map([
            CBORMapEntry(.text("t"), .float(4.5)),
            CBORMapEntry(.text("rh"), .unsigned(61)),
        ])
        return try! Reading(chainID: chain, device: key.publicKey.address, sequence: sequence,
                            timeMillis: 1_767_225_600_000 + sequence * 60_000, content: .inline(value))
    }

    /// A reading of `key`'s device, signed as a COSE_Sign1.
    public static func signedReading(_ key: PrivateKey) -> Signed<Reading> {
        try! Signed.sign(reading(of: key), with: key)
    }

    /// A batch of `count` consecutive readings of `key`'s device, signed once.
    public static func signedBatch(_ key: PrivateKey, count: Int) -> Signed<ReadingBatch> {
        let readings = (1...count).map { reading(of: key, sequence: UInt64($0)) }
        let batch = try! ReadingBatch(chainID: chain, device: key.publicKey.address, readings: readings)
        return try! Signed.sign(batch, with: key)
    }
}

/// The configuration every suite starts from.
public enum FogBenchmark {
    /// Wall clock and throughput, and mallocs (counted by the malloc interposer).
    public static var metrics: [BenchmarkMetric] { [.wallClock, .throughput, .mallocCountTotal] }

    /// What `swift package benchmark thresholds check` tolerates against the p90 values in
    /// Thresholds/ (the tool checks p90 only, and checks any measured metric without a tolerance
    /// here strictly):
    /// - wall clock: `timePercent` % either way (100 % by default: on the shared 2-core virtual
    ///   machine these were recorded on, the p90 of a few-microsecond operation moved by up to 77 %
    ///   between runs, so only a doubling is a reliable signal there);
    /// - mallocs, which are deterministic: 5 %;
    /// - peak resident memory, where measured (`memory`): 10 %;
    /// - throughput: not checked. It is the reciprocal of wall clock, and benchmark 1.38.1 writes
    ///   its p90 from one tail of the distribution and checks it against the other, which fails
    ///   for wide distributions such as ML-DSA signing.
    public static func thresholds(timePercent: Double = 100, memory: Bool = false)
        -> [BenchmarkMetric: BenchmarkThresholds]
    {
        var thresholds: [BenchmarkMetric: BenchmarkThresholds] = [
            .wallClock: .init(relative: [.p90: timePercent]),
            .throughput: .init(),
            .mallocCountTotal: .init(relative: [.p90: 5.0]),
        ]
        if memory {
            thresholds[.peakMemoryResident] = .init(relative: [.p90: 10.0])
        }
        return thresholds
    }

    /// The default thresholds.
    public static var thresholds: [BenchmarkMetric: BenchmarkThresholds] { thresholds() }

    /// For operations of a few microseconds or less: each measured iteration runs the operation
    /// 1,000 times (`for _ in benchmark.scaledIterations`), so the clock's own cost is negligible;
    /// results are reported per operation.
    public static var perOperation: Benchmark.Configuration {
        .init(metrics: metrics, warmupIterations: 10, scalingFactor: .kilo, maxDuration: .seconds(2),
              maxIterations: 100_000, thresholds: thresholds)
    }

    /// Sets the suite's defaults: the metrics above, a short warm-up, up to `seconds` per benchmark.
    public static func configure(seconds: Int = 2) {
        Benchmark.defaultConfiguration = .init(
            metrics: metrics,
            warmupIterations: 10,
            maxDuration: .seconds(seconds),
            maxIterations: 1_000_000,
            thresholds: thresholds
        )
    }
}
