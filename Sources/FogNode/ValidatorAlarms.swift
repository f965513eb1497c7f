import FogConsensus

/// What a validator waits for — the machine's round timeouts and the empty-block interval — kept
/// in deadline order so that one timer serves them all.
///
/// A height schedules three round timeouts and an empty-block alarm, and at load a height lasts
/// tens of milliseconds while those wait 100–1,000 ms: a timer for each would fire four
/// times a height, almost always for a height already decided. Here an alarm of a decided height
/// is dropped when the next height starts (``dropMoot(starting:)``), and a timer is armed only
/// for a deadline earlier than the one already armed; a timer that wakes with nothing due re-arms
/// for the earliest alarm left.
struct ValidatorAlarms {
    /// One thing to do at a deadline.
    enum Alarm: Equatable {
        /// Hand the machine a round timeout.
        case timeout(ConsensusTimeout)
        /// Start the height after `after` if it still waits (the empty-block interval has passed).
        case emptyHeight(after: UInt64)

        /// Whether starting `height` leaves the alarm nothing to do: a round timeout of an earlier
        /// height, or the empty-block alarm of the wait before it.
        func isMoot(starting height: UInt64) -> Bool {
            switch self {
            case .timeout(let timeout): return timeout.height < height
            case .emptyHeight(let after): return after < height
            }
        }
    }

    /// Pending alarms, earliest first (equal deadlines in the order they were added).
    private(set) var pending: [(deadline: ContinuousClock.Instant, alarm: Alarm)] = []
    /// The deadline the live timer fires at, if one is armed.
    private(set) var armed: ContinuousClock.Instant?

    /// Adds `alarm` for `deadline`. Returns the deadline a new timer must be armed for (now
    /// ``armed``), or `nil` when the armed timer wakes no later than `deadline`.
    mutating func add(_ alarm: Alarm, at deadline: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        let index = pending.firstIndex { $0.deadline > deadline } ?? pending.endIndex
        pending.insert((deadline, alarm), at: index)
        if let armed, armed <= deadline { return nil }
        armed = deadline
        return deadline
    }

    /// Drops every alarm that starting `height` makes moot.
    mutating func dropMoot(starting height: UInt64) {
        pending.removeAll { $0.alarm.isMoot(starting: height) }
    }

    /// The timer armed for `deadline` woke at `now`. A superseded timer (one armed for another
    /// deadline) gets nothing. Otherwise the alarms due are removed and returned, with the deadline
    /// of the next timer to arm (now ``armed``), if any alarm is left.
    mutating func wake(armedFor deadline: ContinuousClock.Instant,
                       at now: ContinuousClock.Instant) -> (due: [Alarm], rearm: ContinuousClock.Instant?) {
        guard armed == deadline else { return ([], nil) }
        let dueCount = pending.firstIndex { $0.deadline > now } ?? pending.endIndex
        let due = pending.prefix(dueCount).map(\.alarm)
        pending.removeFirst(dueCount)
        armed = pending.first?.deadline
        return (due, armed)
    }
}
