import FogCore

/// A wrist wearable: heart rate, blood oxygen saturation (SpO2) and skin temperature.
///
/// The wearer switches between rest, walking and running (a seeded Markov chain); heart rate moves
/// toward the activity's level from a per-person resting rate (55–75 bpm) with beat-to-beat noise;
/// SpO2 stays at 95–99 % with occasional short dips (to 90–94 %); skin temperature sits at 32–35 °C,
/// slightly higher under exertion.
struct WearableSignal: Sendable {
    enum Activity: Sendable { case rest, walk, run }

    private var noise: SignalNoise
    private var lastMillis: UInt64?
    private let restingRate: Double
    private(set) var activity = Activity.rest
    private(set) var heartRate: Double
    private var spo2: Double
    private var dipUntil: UInt64 = 0
    private var skin: Double

    init(seed: UInt64) {
        noise = SignalNoise(seed: seed)
        restingRate = noise.uniform(55...75)
        heartRate = restingRate
        spo2 = noise.uniform(96...99)
        skin = noise.uniform(32.5...34)
    }

    /// The reading: `{"hr": bpm, "spo2": %, "skin": °C, "activity": "rest"|"walk"|"run"}`.
    mutating func next(atMillis nowMillis: UInt64) -> CBORValue {
        let elapsed = lastMillis.map { Double(nowMillis &- $0) / 1_000 } ?? 1
        lastMillis = nowMillis
        let step = min(max(elapsed, 0), 600)
        if noise.chance(min(1, 0.01 * step)) {
            switch activity {
            case .rest: activity = noise.chance(0.8) ? .walk : .run
            case .walk: activity = noise.chance(0.7) ? .rest : .run
            case .run: activity = .walk
            }
        }
        let target: Double
        switch activity {
        case .rest: target = restingRate
        case .walk: target = restingRate + 30
        case .run: target = min(restingRate + 85, 185)
        }
        heartRate += (target - heartRate) * min(1, 0.1 * step) + noise.gaussian(1.5)
        heartRate = min(max(heartRate, 40), 200)
        if nowMillis >= dipUntil, noise.chance(min(1, 0.002 * step)) {
            dipUntil = nowMillis + UInt64(noise.uniform(5...30) * 1_000)
        }
        let spo2Target = nowMillis < dipUntil ? 92.0 : 97.5
        spo2 += (spo2Target - spo2) * min(1, 0.2 * step) + noise.gaussian(0.2)
        spo2 = min(max(spo2, 85), 100)
        let skinTarget = activity == .rest ? 33.0 : 34.2
        skin += (skinTarget - skin) * min(1, 0.01 * step) + noise.gaussian(0.03)
        skin = min(max(skin, 30), 37)
        let name: String
        switch activity {
        case .rest: name = "rest"
        case .walk: name = "walk"
        case .run: name = "run"
        }
        return .map([
            CBORMapEntry(.text("hr"), .unsigned(UInt64(heartRate.rounded()))),
            CBORMapEntry(.text("spo2"), .float(rounded(spo2, 1))),
            CBORMapEntry(.text("skin"), .float(rounded(skin, 2))),
            CBORMapEntry(.text("activity"), .text(name)),
        ])
    }
}
