import FogCore

/// A household smart meter with rooftop solar: production and consumption power, and the two
/// cumulative energy registers.
///
/// Production follows the sun (zero at night, a parabola from 06:00 to 20:00 UTC peaking at 13:00)
/// scaled to the roof's capacity (3–8 kW) and dimmed by passing clouds; consumption is a base load
/// with morning and evening peaks and random appliance spikes (a kettle, an oven). The registers
/// only grow.
struct EnergySignal: Sendable {
    private var noise: SignalNoise
    private var lastMillis: UInt64?
    private let capacityWatts: Double
    private let baseLoadWatts: Double
    private var cloud = 1.0
    private var applianceUntil: UInt64 = 0
    private var applianceWatts = 0.0
    private(set) var producedWh = 0.0
    private(set) var consumedWh = 0.0

    init(seed: UInt64) {
        noise = SignalNoise(seed: seed)
        capacityWatts = noise.uniform(3_000...8_000)
        baseLoadWatts = noise.uniform(150...400)
    }

    /// The reading: `{"prodW", "consW", "prodWh", "consWh"}` (watts, and watt-hours since start).
    mutating func next(atMillis nowMillis: UInt64) -> CBORValue {
        let elapsed = lastMillis.map { Double(nowMillis &- $0) / 1_000 } ?? 0
        lastMillis = nowMillis
        let step = min(max(elapsed, 0), 3_600)
        let hour = Double(nowMillis % 86_400_000) / 3_600_000
        cloud += (noise.uniform(0.3...1) - cloud) * min(1, 0.02 * step)
        let sun = max(0, 1 - ((hour - 13) / 7) * ((hour - 13) / 7))
        let production = max(0, capacityWatts * sun * cloud + noise.gaussian(20) * (sun > 0 ? 1 : 0))
        if nowMillis >= applianceUntil, noise.chance(min(1, 0.003 * step)) {
            applianceUntil = nowMillis + UInt64(noise.uniform(60...900) * 1_000)
            applianceWatts = noise.uniform(800...2_500)
        }
        let appliance = nowMillis < applianceUntil ? applianceWatts : 0
        let consumption = baseLoadWatts + Self.peak(hour, at: 7.5, width: 1.5, watts: 600)
            + Self.peak(hour, at: 19, width: 2.5, watts: 1_200) + appliance + abs(noise.gaussian(15))
        producedWh += production * step / 3_600
        consumedWh += consumption * step / 3_600
        return .map([
            CBORMapEntry(.text("prodW"), .unsigned(UInt64(production.rounded()))),
            CBORMapEntry(.text("consW"), .unsigned(UInt64(consumption.rounded()))),
            CBORMapEntry(.text("prodWh"), .float(rounded(producedWh, 2))),
            CBORMapEntry(.text("consWh"), .float(rounded(consumedWh, 2))),
        ])
    }

    /// A parabolic bump of `watts` centred at `at` hours, `width` hours either side.
    static func peak(_ hour: Double, at centre: Double, width: Double, watts: Double) -> Double {
        let x = (hour - centre) / width
        return max(0, 1 - x * x) * watts
    }
}
