import FogCore
import FogDevice
import Testing

/// The simulator's signal models: plausible ranges, the events they promise, and seeded replay.
@Suite struct SignalModelTests {
    static let start: UInt64 = 1_700_000_000_000

    /// `count` values of one device, one per `stepMillis`.
    static func series(_ scenario: SignalScenario, seed: UInt64 = 1, device: Int = 0, count: Int,
                       stepMillis: UInt64 = 1_000) -> [[String: CBORValue]] {
        var model = SignalModel(scenario: scenario, seed: seed, deviceIndex: device, startMillis: start)
        return (0..<count).map { index in
            guard case .map(let entries) = model.next(atMillis: start + UInt64(index) * stepMillis) else { return [:] }
            var fields: [String: CBORValue] = [:]
            for entry in entries { if case .text(let key) = entry.key { fields[key] = entry.value } }
            return fields
        }
    }

    static func number(_ value: CBORValue?) -> Double {
        switch value {
        case .float(let d)?: return d
        case .unsigned(let n)?: return Double(n)
        default: return .nan
        }
    }

    @Test(arguments: SignalScenario.allCases)
    func theSameSeedReplaysTheSameValues(scenario: SignalScenario) {
        #expect(Self.series(scenario, seed: 9, count: 200) == Self.series(scenario, seed: 9, count: 200))
        #expect(Self.series(scenario, seed: 9, count: 200) != Self.series(scenario, seed: 10, count: 200))
        #expect(Self.series(scenario, seed: 9, device: 1, count: 50) != Self.series(scenario, seed: 9, device: 2, count: 50))
    }

    @Test func coldChainStaysInRangeWithDoorExcursionsAndCompressorFailures() {
        var doorExcursions = 0
        var failures = 0
        var inRangeWhileClosedAndWorking = 0
        var closedAndWorking = 0
        for device in 0..<40 {
            let series = Self.series(.coldChain, device: device, count: 3_600)
            var failedFrom: Int?
            for (index, fields) in series.enumerated() {
                let t = Self.number(fields["t"])
                let rh = Self.number(fields["rh"])
                let lat = Self.number(fields["lat"])
                let lon = Self.number(fields["lon"])
                #expect(t > -5 && t < 30 && rh >= 20 && rh <= 100)
                #expect(lat > 50.5 && lat < 52 && lon > 4.3 && lon < 7)
                let door = fields["door"] == .bool(true)
                let failed = fields["compressor"] == .text("failed")
                if door && t > 8 { doorExcursions += 1 }
                if failed, failedFrom == nil { failedFrom = index }
                if !door && !failed && index > 300 {
                    closedAndWorking += 1
                    if t >= 2 && t <= 8 { inRangeWhileClosedAndWorking += 1 }
                }
            }
            if let failedFrom {
                failures += 1
                if failedFrom < 3_000 {
                    #expect(Self.number(series.last?["t"]) > 8, "a failed compressor lets the load warm past 8 °C")
                }
            }
        }
        #expect(doorExcursions > 0, "doors open and the temperature leaves 2–8 °C")
        #expect(failures >= 3 && failures <= 25, "some compressors fail (\(failures) of 40)")
        #expect(Double(inRangeWhileClosedAndWorking) / Double(closedAndWorking) > 0.6)
    }

    @Test func coldChainMovesAlongTheRoute() {
        let series = Self.series(.coldChain, count: 600, stepMillis: 10_000)
        let first = (Self.number(series[0]["lat"]), Self.number(series[0]["lon"]))
        let last = (Self.number(series[599]["lat"]), Self.number(series[599]["lon"]))
        #expect(abs(first.0 - last.0) + abs(first.1 - last.1) > 0.5)
    }

    @Test func wearablesHaveBelievableVitals() {
        var activities = Set<CBORValue>()
        var dips = 0
        for device in 0..<10 {
            for fields in Self.series(.wearables, device: device, count: 3_600) {
                let hr = Self.number(fields["hr"])
                let spo2 = Self.number(fields["spo2"])
                let skin = Self.number(fields["skin"])
                #expect(hr >= 40 && hr <= 200)
                #expect(spo2 >= 85 && spo2 <= 100)
                #expect(skin >= 30 && skin <= 37)
                if spo2 < 95 { dips += 1 }
                if let activity = fields["activity"] { activities.insert(activity) }
            }
        }
        #expect(activities == [.text("rest"), .text("walk"), .text("run")])
        #expect(dips > 0)
    }

    @Test func energyProducesByDayOnlyAndItsRegistersGrow() {
        // One day in five-minute steps, from midnight UTC.
        let midnight: UInt64 = 1_700_006_400_000 - 1_700_006_400_000 % 86_400_000
        var model = SignalModel(scenario: .energy, seed: 3, deviceIndex: 0, startMillis: midnight)
        var previous = (0.0, 0.0)
        var noonProduction = 0.0
        for step in 0..<288 {
            let time = midnight + UInt64(step) * 300_000
            guard case .map(let entries) = model.next(atMillis: time) else { Issue.record("not a map"); return }
            var fields: [String: CBORValue] = [:]
            for entry in entries { if case .text(let key) = entry.key { fields[key] = entry.value } }
            let hour = Double(step) / 12
            let production = Self.number(fields["prodW"])
            #expect(production >= 0 && production <= 8_200)
            if hour < 5.9 || hour > 20.1 { #expect(production == 0, "no sun at \(hour) h") }
            if hour >= 12 && hour <= 14 { noonProduction = max(noonProduction, production) }
            #expect(Self.number(fields["consW"]) >= 150)
            let registers = (Self.number(fields["prodWh"]), Self.number(fields["consWh"]))
            #expect(registers.0 >= previous.0 && registers.1 >= previous.1)
            previous = registers
        }
        #expect(noonProduction > 500)
        #expect(previous.1 > 1_000, "a household uses more than 1 kWh a day")
    }
}
