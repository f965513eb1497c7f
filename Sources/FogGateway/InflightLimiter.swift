import Synchronization

/// A counting limit on messages in flight: ``acquire()`` waits while `limit` are taken, ``release()``
/// hands a slot to the longest waiter. Cancellation does not end a wait (the gateway's loops end by
/// their streams finishing, and ``close()`` releases every waiter).
final class InflightLimiter: Sendable {
    private struct State {
        var available: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
        var waiterHead = 0
        var closed = false
    }

    private let state: Mutex<State>

    /// A limiter of `limit` slots.
    init(limit: Int) {
        precondition(limit > 0, "an inflight limit is at least 1")
        state = Mutex(State(available: limit))
    }

    /// Takes a slot, waiting for one when none is free (returns at once after ``close()``).
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.closed { return true }
                if state.available > 0 {
                    state.available -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Returns a slot.
    func release() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.waiterHead < state.waiters.count else {
                state.available += 1
                return nil
            }
            let next = state.waiters[state.waiterHead]
            state.waiterHead += 1
            if state.waiterHead == state.waiters.count {
                state.waiters.removeAll(keepingCapacity: true)
                state.waiterHead = 0
            }
            return next
        }
        waiter?.resume()
    }

    /// Releases every waiter and lets later acquisitions through (shutdown).
    func close() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            let waiting = Array(state.waiters[state.waiterHead...])
            state.waiters = []
            state.waiterHead = 0
            return waiting
        }
        for waiter in waiters { waiter.resume() }
    }
}
