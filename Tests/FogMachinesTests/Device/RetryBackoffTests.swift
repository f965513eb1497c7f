import FogCore
import FogDevice
import Testing

@Suite struct RetryBackoffTests {
    @Test func delaysGrowWithJitterUpToTheCap() {
        let backoff = RetryBackoff(initialMillis: 100, maxMillis: 5_000)
        var generator = SplitMix64(seed: 1)
        for attempt in 0..<80 {
            let ceiling = backoff.ceiling(attempt: attempt)
            #expect(ceiling == min(100 << UInt64(min(attempt, 20)), 5_000))
            let delay = backoff.delayMillis(attempt: attempt, using: &generator)
            #expect(delay >= ceiling / 2 && delay <= ceiling)
        }
        #expect(backoff.ceiling(attempt: 1_000) == 5_000)
    }

    @Test func jitterSpreadsAFleet() {
        let backoff = RetryBackoff(initialMillis: 1_000, maxMillis: 1_000)
        var generator = SplitMix64(seed: 2)
        let delays = Set((0..<100).map { _ in backoff.delayMillis(attempt: 0, using: &generator) })
        #expect(delays.count > 50)
    }
}
