/// When the bench's poller first saw each height committed on node0, and what that says about an
/// envelope's finality: how many heights it waited for (the heights committed after it was sent,
/// its own included), and how long heights took. A finality tail made of long heights and one made
/// of envelopes left out of several proposals look alike in milliseconds; these tell them apart.
struct CommitTimeline: Sendable {
    /// (height, first seen, in the bench's nanoseconds), by height; the times never decrease.
    private let seen: [(height: UInt64, at: UInt64)]

    /// `firstSeen`: each height's first sighting (heights the poller skipped share the next one's).
    init(firstSeen: [UInt64: UInt64]) {
        seen = firstSeen.map { (height: $0.key, at: $0.value) }.sorted { $0.height < $1.height }
    }

    /// The highest height seen at or before `time`, or `before` when none was.
    func latestHeight(at time: UInt64, before: UInt64) -> UInt64 {
        // The first entry seen after `time`; the one before it is the latest at `time`.
        var low = 0, high = seen.count
        while low < high {
            let middle = (low + high) / 2
            if seen[middle].at <= time { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? before : seen[low - 1].height
    }

    /// The heights an envelope sent at `sentAt` and committed at `height` waited for: 1 when the
    /// first height committed after it was sent held it.
    func heightsWaited(sentAt: UInt64, committedAt height: UInt64, startHeight: UInt64) -> UInt64 {
        let latest = latestHeight(at: sentAt, before: startHeight)
        return height > latest ? height - latest : 0
    }

    /// The milliseconds between the sightings of consecutive heights first seen in `window`
    /// (heights seen together, the poller having skipped some, count as one).
    func heightIntervals(in window: ClosedRange<UInt64>) -> [Double] {
        let times = seen.map(\.at).filter(window.contains)
        var intervals: [Double] = []
        for (earlier, later) in zip(times, times.dropFirst()) where later > earlier {
            intervals.append(Double(later - earlier) / 1e6)
        }
        return intervals
    }
}
