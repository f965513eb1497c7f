import FogCore

/// A refrigerated shipment: a 2–8 °C cold store in a truck driving a fixed route.
///
/// Temperature reverts to the setpoint (5 °C) with sensor noise; a door opening (seeded, now and
/// then) lets warm air in — an excursion above 8 °C that decays once the door shuts; and on some
/// units the compressor fails partway through, after which the load warms toward ambient (25 °C)
/// until the end. Relative humidity follows the door and temperature; the position moves along the
/// route at about 60 km/h.
struct ColdChainSignal: Sendable {
    static let setpoint = 5.0
    static let ambient = 25.0
    /// Waypoints (latitude, longitude): Rotterdam → Antwerp → Brussels → Liège → Cologne.
    static let route: [(Double, Double)] = [
        (51.9225, 4.4792), (51.2194, 4.4025), (50.8503, 4.3517), (50.6326, 5.5797), (50.9375, 6.9603),
    ]
    /// Degrees of latitude/longitude travelled per second (about 60 km/h).
    static let degreesPerSecond = 0.000_15

    private var noise: SignalNoise
    private var lastMillis: UInt64?
    private(set) var temperature: Double
    private var humidity: Double
    private var doorOpenUntil: UInt64 = 0
    private(set) var compressorFailsAt: UInt64?
    private var distance: Double
    private var doorCount = 0

    init(seed: UInt64, startMillis: UInt64) {
        noise = SignalNoise(seed: seed)
        temperature = Self.setpoint + noise.gaussian(0.4)
        humidity = noise.uniform(55...65)
        distance = noise.uniform(0...0.05)
        // One unit in four loses its compressor within its first hour.
        if noise.chance(0.25) {
            compressorFailsAt = startMillis + UInt64(noise.uniform(60...3_600) * 1_000)
        }
    }

    /// The reading at `nowMillis`: `{"t": °C, "rh": %, "door": bool, "compressor": "ok"|"failed", "lat", "lon"}`.
    mutating func next(atMillis nowMillis: UInt64) -> CBORValue {
        let elapsed = lastMillis.map { Double(nowMillis &- $0) / 1_000 } ?? 1
        lastMillis = nowMillis
        let step = min(max(elapsed, 0), 600)
        let failed = compressorFailsAt.map { nowMillis >= $0 } ?? false
        if nowMillis >= doorOpenUntil, noise.chance(min(1, 0.004 * step)) {
            doorOpenUntil = nowMillis + UInt64(noise.uniform(20...120) * 1_000)
            doorCount += 1
        }
        let doorOpen = nowMillis < doorOpenUntil
        // Relax toward the target: the setpoint, or ambient when the door is open or the compressor dead.
        let target = failed ? Self.ambient : (doorOpen ? Self.ambient - 5 : Self.setpoint)
        let rate = failed ? 0.0008 : (doorOpen ? 0.01 : 0.02)
        temperature += (target - temperature) * min(1, rate * step) + noise.gaussian(0.05)
        let humidityTarget = doorOpen ? 80.0 : 60.0
        humidity += (humidityTarget - humidity) * min(1, 0.02 * step) + noise.gaussian(0.3)
        humidity = min(max(humidity, 20), 100)
        distance += Self.degreesPerSecond * step
        let (lat, lon) = Self.position(at: distance)
        return .map([
            CBORMapEntry(.text("t"), .float(rounded(temperature, 2))),
            CBORMapEntry(.text("rh"), .float(rounded(humidity, 1))),
            CBORMapEntry(.text("door"), .bool(doorOpen)),
            CBORMapEntry(.text("compressor"), .text(failed ? "failed" : "ok")),
            CBORMapEntry(.text("lat"), .float(rounded(lat, 5))),
            CBORMapEntry(.text("lon"), .float(rounded(lon, 5))),
        ])
    }

    /// The point `distance` degrees along the route (Manhattan length per leg), looping at the end.
    static func position(at distance: Double) -> (Double, Double) {
        var remaining = distance.truncatingRemainder(dividingBy: routeLength)
        for leg in 0..<(route.count - 1) {
            let (a, b) = (route[leg], route[leg + 1])
            let length = abs(b.0 - a.0) + abs(b.1 - a.1)
            if remaining <= length {
                let f = remaining / length
                return (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f)
            }
            remaining -= length
        }
        return route[route.count - 1]
    }

    /// The route's length in degrees (Manhattan, leg by leg).
    static let routeLength: Double = (0..<(route.count - 1)).reduce(0) { sum, leg in
        sum + abs(route[leg + 1].0 - route[leg].0) + abs(route[leg + 1].1 - route[leg].1)
    }
}
