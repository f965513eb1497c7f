import Testing

@testable import FogCLICommands

@Suite struct BenchRateSearchTests {
    private static func step(_ offered: Double, committed: Double) -> BenchStep {
        BenchStep(offered: offered, committed: committed, p50: 10, p99: 20, max: 30, timed: 1, envelopesCommitted: 1,
                  refused: 0, retries: 0)
    }

    /// Runs a search against a network that keeps up with every rate up to `capacity`.
    private static func run(start: Double, capacity: Double, maxSteps: Int = 20) -> (rates: [Double], best: Double) {
        var search = BenchRateSearch(startRate: start)
        var rates: [Double] = []
        while rates.count < maxSteps, let rate = search.nextRate {
            rates.append(rate)
            let keptUp = rate <= capacity
            search.record(step(rate, committed: keptUp ? rate : capacity), keptUp: keptUp)
        }
        return (rates, search.maxSustained)
    }

    @Test func doublesThenBisectsUntilWithinATwentieth() {
        let (rates, best) = Self.run(start: 1_000, capacity: 3_300)
        #expect(rates == [1_000, 2_000, 4_000, 3_000, 3_500, 3_250, 3_375])
        #expect(best == 3_250)
    }

    @Test func aMissedStepNeverCountsAsSustained() {
        // The missed 4,000/s step committed 3,300/s; only rates kept up count.
        let (_, best) = Self.run(start: 1_000, capacity: 3_300, maxSteps: 3)
        #expect(best == 2_000)
    }

    @Test func aStartAboveTheCapacityIsHalvedThenBisected() {
        let (rates, best) = Self.run(start: 1_000, capacity: 600)
        #expect(rates == [1_000, 500, 750, 625, 563, 594, 610])
        #expect(best == 594)
    }

    @Test func whenNoStepKeptUpTheFirstStepsCommittedRateIsReported() {
        let (rates, best) = Self.run(start: 1_000, capacity: 300, maxSteps: 2)
        #expect(rates == [1_000, 500])
        #expect(best == 300)
    }
}
