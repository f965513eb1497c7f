import FogCore

/// Seeded randomness for the signal models: uniform and approximately normal draws from SplitMix64,
/// with no platform maths (the models stay Foundation-free).
struct SignalNoise: Sendable {
    private var generator: SplitMix64

    init(seed: UInt64) {
        generator = SplitMix64(seed: seed)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double {
        Double(generator.next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform in `range`.
    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + uniform() * (range.upperBound - range.lowerBound)
    }

    /// Approximately normal with mean 0 and standard deviation `sigma` (Irwin–Hall: 12 uniforms).
    mutating func gaussian(_ sigma: Double) -> Double {
        var sum = 0.0
        for _ in 0..<12 { sum += uniform() }
        return (sum - 6) * sigma
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        uniform() < p
    }
}

/// Rounds to `places` decimals, so values encode small (CBOR picks the shortest float that is exact
/// only for simple fractions; a rounded decimal is still a double, but prints cleanly).
func rounded(_ value: Double, _ places: Int) -> Double {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    return (value * scale).rounded() / scale
}
