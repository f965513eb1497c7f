@testable import FogNode
import Testing

/// A height's step timings as the committed-block log line reports them.
@Suite struct HeightTimingsTests {
    @Test func stepsCountFromTheHeightsStartAndWALSyncsAddUp() {
        var timings = HeightTimings()
        let start = ContinuousClock.now
        timings.start(at: start)
        timings.mark(.proposal, at: start + .milliseconds(3))
        // A re-sent proposal does not move the step.
        timings.mark(.proposal, at: start + .milliseconds(9))
        timings.addWALSync(.milliseconds(2))
        timings.addWALSync(.microseconds(1_500))
        let metadata = timings.metadata
        #expect(metadata["proposal-ms"] == "3.0")
        #expect(metadata["wal-sync-ms"] == "3.5")
        #expect(metadata["prevote-ms"] == nil)
    }

    @Test func theNextHeightStartsItsWALSyncsAtZeroAndReportsItsWait() {
        var timings = HeightTimings()
        let start = ContinuousClock.now
        timings.start(at: start)
        timings.addWALSync(.milliseconds(4))
        timings.mark(.rechecked, at: start + .milliseconds(20))
        timings.start(at: start + .milliseconds(25))
        #expect(timings.metadata["wal-sync-ms"] == "0.0")
        #expect(timings.metadata["waited-ms"] == "5.0")
    }
}
