public import FogCore

/// The simulated fleets.
public enum SignalScenario: String, CaseIterable, Hashable, Sendable {
    /// Refrigerated shipments: temperature, humidity, door, compressor and GPS.
    case coldChain = "cold-chain"
    /// Wrist wearables: heart rate, SpO2, skin temperature.
    case wearables
    /// Smart meters with solar: production and consumption.
    case energy
}

/// One simulated device's signal: seeded, so the same scenario, seed and device index give the same
/// values at the same times, on every machine.
public struct SignalModel: Sendable {
    private enum Model: Sendable {
        case coldChain(ColdChainSignal)
        case wearable(WearableSignal)
        case energy(EnergySignal)
    }

    /// The scenario.
    public let scenario: SignalScenario
    private var model: Model

    /// The model of device `deviceIndex` of a fleet seeded with `seed`, starting at `startMillis`.
    public init(scenario: SignalScenario, seed: UInt64, deviceIndex: Int, startMillis: UInt64) {
        self.scenario = scenario
        // Decorrelate devices: a SplitMix64 step over seed and index.
        var mixer = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: deviceIndex) &* 0x9e37_79b9_7f4a_7c15))
        let deviceSeed = mixer.next()
        switch scenario {
        case .coldChain: model = .coldChain(ColdChainSignal(seed: deviceSeed, startMillis: startMillis))
        case .wearables: model = .wearable(WearableSignal(seed: deviceSeed))
        case .energy: model = .energy(EnergySignal(seed: deviceSeed))
        }
    }

    /// The device's reading value at `timeMillis` (call with non-decreasing times).
    public mutating func next(atMillis timeMillis: UInt64) -> CBORValue {
        switch model {
        case .coldChain(var signal):
            let value = signal.next(atMillis: timeMillis)
            model = .coldChain(signal)
            return value
        case .wearable(var signal):
            let value = signal.next(atMillis: timeMillis)
            model = .wearable(signal)
            return value
        case .energy(var signal):
            let value = signal.next(atMillis: timeMillis)
            model = .energy(signal)
            return value
        }
    }
}
