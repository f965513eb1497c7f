import Synchronization

/// Whether any submission lane waits on a full mempool: `fogledger_gateway_paused` is 1 from the
/// first lane that pauses until the last one resumes, and the seconds in between count once in
/// `fogledger_gateway_paused_seconds_total`, however many lanes wait.
final class PauseClock: Sendable {
    private struct State {
        var pausedLanes = 0
        var since: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    private let metrics: GatewayMetrics

    init(metrics: GatewayMetrics) { self.metrics = metrics }

    /// A lane starts waiting; returns whether the gateway as a whole just paused.
    @discardableResult
    func pause() -> Bool {
        let first = state.withLock { state -> Bool in
            state.pausedLanes += 1
            guard state.pausedLanes == 1 else { return false }
            state.since = .now
            return true
        }
        if first { metrics.paused.record(1) }
        return first
    }

    /// A lane stops waiting.
    func resume() {
        let elapsed = state.withLock { state -> Duration? in
            state.pausedLanes -= 1
            guard state.pausedLanes == 0, let since = state.since else { return nil }
            state.since = nil
            return .now - since
        }
        guard let elapsed else { return }
        metrics.pausedSeconds.increment(by: Double(elapsed.components.seconds)
            + Double(elapsed.components.attoseconds) / 1e18)
        metrics.paused.record(0)
    }
}
