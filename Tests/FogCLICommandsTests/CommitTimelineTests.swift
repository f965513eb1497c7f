@testable import FogCLICommands
import Testing

/// The bench's split of finality into heights waited and height intervals.
@Suite("Bench: commit timeline")
struct CommitTimelineTests {
    /// Heights 11…15 first seen at 100, 120, 160, 160 (skipped by the poller) and 300 ms.
    static let timeline = CommitTimeline(firstSeen: [11: 100_000_000, 12: 120_000_000, 13: 160_000_000,
                                                     14: 160_000_000, 15: 300_000_000])

    @Test func anEnvelopeWaitsForTheHeightsCommittedAfterItWasSent() {
        let timeline = Self.timeline
        #expect(timeline.latestHeight(at: 99_999_999, before: 10) == 10)
        #expect(timeline.latestHeight(at: 100_000_000, before: 10) == 11)
        #expect(timeline.latestHeight(at: 200_000_000, before: 10) == 14)
        // Sent before height 11 was seen and committed in it: the first height after.
        #expect(timeline.heightsWaited(sentAt: 90_000_000, committedAt: 11, startHeight: 10) == 1)
        // Sent after 12 was seen, left out of 13 and 14, committed in 15.
        #expect(timeline.heightsWaited(sentAt: 130_000_000, committedAt: 15, startHeight: 10) == 3)
        #expect(timeline.heightsWaited(sentAt: 400_000_000, committedAt: 15, startHeight: 10) == 0)
    }

    @Test func intervalsAreBetweenSightingsInTheWindow() {
        #expect(Self.timeline.heightIntervals(in: 0...1_000_000_000) == [20, 40, 140])
        #expect(Self.timeline.heightIntervals(in: 110_000_000...200_000_000) == [40])
        #expect(CommitTimeline(firstSeen: [:]).heightIntervals(in: 0...1).isEmpty)
    }
}
