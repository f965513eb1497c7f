import Foundation
import Synchronization

/// Kills one validator with SIGKILL and starts it again, at set seconds of the run, on a thread of
/// its own: a busy task pool (hundreds of device agents on two cores) never delays either step.
final class RestartSchedule: Sendable {
    private enum Step: Sendable { case waiting, killed, restarted, failed(String) }

    private let step = Mutex(Step.waiting)
    private let finished = Mutex(false)
    private let done = DispatchSemaphore(value: 0)

    /// Starts the schedule for `validator` of `monitor`: killed at `killAt`, started again at
    /// `restartAt` seconds after `start`, or at once when `stop` is set while it is down.
    init(validator index: Int, monitor: NetworkMonitor, start: ContinuousClock.Instant, killAt: Double, restartAt: Double,
         stop: StopSignal) {
        let process = monitor.validators[index].process
        Thread.detachNewThread { [self] in
            defer { done.signal() }
            while !stop.isSet, NetworkDemo.seconds(since: start) < killAt { usleep(20_000) }
            guard !stop.isSet else { return }
            process.kill()
            monitor.killed(index)
            step.withLock { $0 = .killed }
            while !stop.isSet, NetworkDemo.seconds(since: start) < restartAt { usleep(20_000) }
            do throws(CLIError) {
                try process.start()
                monitor.restarted(index)
                step.withLock { $0 = .restarted }
            } catch {
                step.withLock { $0 = .failed(error.message) }
            }
        }
    }

    /// Waits for the schedule to end (the caller sets `stop` first to cut the waits short); throws
    /// when the validator could not be started again.
    func finish() throws(CLIError) {
        let first = finished.withLock { finished in
            defer { finished = true }
            return !finished
        }
        if first { done.wait() }
        if case .failed(let message) = step.withLock({ $0 }) {
            throw CLIError("node-failed", "the killed validator could not be restarted: \(message)")
        }
    }
}
