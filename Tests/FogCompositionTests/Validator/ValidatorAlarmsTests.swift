import FogConsensus
@testable import FogNode
import Testing

/// The validator's alarms: one timer serves every round timeout and empty-block alarm, a new one
/// is armed only for an earlier deadline, and the start of a height drops what it makes moot.
@Suite struct ValidatorAlarmsTests {
    static let origin = ContinuousClock.now
    static func at(_ millis: Int) -> ContinuousClock.Instant { origin + .milliseconds(millis) }
    static func timeout(_ height: UInt64, _ step: TimeoutStep, round: UInt64 = 0) -> ValidatorAlarms.Alarm {
        .timeout(ConsensusTimeout(height: height, round: round, step: step))
    }

    @Test func aTimerIsArmedOnlyForAnEarlierDeadline() {
        var alarms = ValidatorAlarms()
        #expect(alarms.add(Self.timeout(5, .propose), at: Self.at(300)) == Self.at(300))
        #expect(alarms.add(Self.timeout(5, .prevote), at: Self.at(100)) == Self.at(100))
        #expect(alarms.add(Self.timeout(5, .precommit), at: Self.at(110)) == nil)
        #expect(alarms.add(.emptyHeight(after: 5), at: Self.at(100)) == nil)
        #expect(alarms.armed == Self.at(100))
        #expect(alarms.pending.map(\.alarm) == [Self.timeout(5, .prevote), .emptyHeight(after: 5),
                                                Self.timeout(5, .precommit), Self.timeout(5, .propose)])
    }

    @Test func aWakeReturnsWhatIsDueInOrderAndRearmsForTheNext() {
        var alarms = ValidatorAlarms()
        _ = alarms.add(Self.timeout(5, .propose), at: Self.at(300))
        _ = alarms.add(Self.timeout(5, .prevote), at: Self.at(100))
        _ = alarms.add(Self.timeout(5, .precommit), at: Self.at(110))
        // The timer armed for 300 ms was superseded by the one for 100 ms: it gets nothing.
        #expect(alarms.wake(armedFor: Self.at(300), at: Self.at(300)).due.isEmpty)
        #expect(alarms.armed == Self.at(100))
        let first = alarms.wake(armedFor: Self.at(100), at: Self.at(112))
        #expect(first.due == [Self.timeout(5, .prevote), Self.timeout(5, .precommit)])
        #expect(first.rearm == Self.at(300) && alarms.armed == Self.at(300))
        let last = alarms.wake(armedFor: Self.at(300), at: Self.at(300))
        #expect(last.due == [Self.timeout(5, .propose)] && last.rearm == nil && alarms.armed == nil)
        #expect(alarms.pending.isEmpty)
        // With nothing armed, the next alarm arms a timer whatever its deadline.
        #expect(alarms.add(Self.timeout(6, .propose), at: Self.at(900)) == Self.at(900))
    }

    @Test func startingAHeightDropsItsPredecessorsAlarmsAndAWakeWithNothingDueRearms() {
        var alarms = ValidatorAlarms()
        _ = alarms.add(Self.timeout(5, .prevote), at: Self.at(100))
        _ = alarms.add(Self.timeout(5, .propose, round: 1), at: Self.at(400))
        _ = alarms.add(.emptyHeight(after: 5), at: Self.at(1_000))
        alarms.dropMoot(starting: 6)
        #expect(alarms.pending.isEmpty)
        _ = alarms.add(Self.timeout(6, .propose), at: Self.at(320))
        _ = alarms.add(Self.timeout(6, .prevote), at: Self.at(125))
        // Height 7 starts before the timer armed for 100 ms wakes; its own timeouts stay.
        alarms.dropMoot(starting: 7)
        _ = alarms.add(Self.timeout(7, .propose), at: Self.at(340))
        let woke = alarms.wake(armedFor: Self.at(100), at: Self.at(100))
        #expect(woke.due.isEmpty && woke.rearm == Self.at(340))
        let fired = alarms.wake(armedFor: Self.at(340), at: Self.at(341))
        #expect(fired.due == [Self.timeout(7, .propose)] && fired.rearm == nil)
    }

    @Test func theEmptyBlockAlarmOfTheWaitBeforeAHeightIsMootOnceItStarts() {
        #expect(ValidatorAlarms.Alarm.emptyHeight(after: 5).isMoot(starting: 6))
        #expect(!ValidatorAlarms.Alarm.emptyHeight(after: 5).isMoot(starting: 5))
        #expect(Self.timeout(5, .precommit).isMoot(starting: 6))
        #expect(!Self.timeout(6, .precommit).isMoot(starting: 6))
    }
}
