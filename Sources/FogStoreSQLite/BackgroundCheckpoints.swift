import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// A thread of its own that runs passive WAL checkpoints on `connection` when asked, at a lower CPU
/// priority than the node's other threads.
///
/// Nothing waits for a background checkpoint: the writer goes on committing, and the WAL is bounded
/// by the inline limit (``WALCheckpointLimits/inline``) whatever this thread's pace. Validators
/// sharing a machine write the same pages and so checkpoint at the same height; at a lower priority
/// their checkpoints take the cores that votes and blocks leave idle rather than theirs (the
/// half-load p99 was lower with it while the machine was contended, and not separably different in a
/// fast phase: docs/benchmarks.md, "Round 21"). The priority is a thread attribute on Linux, so it
/// is set once, on a thread that runs nothing else.
final class BackgroundCheckpoints: @unchecked Sendable {
    /// The `nice` increment of the checkpoint thread (0 is the default priority, 19 the lowest).
    static let niceIncrement: Int32 = 10
    /// The checkpoint thread's name, given once its priority is set.
    static let threadName = "fog.checkpoint"

    private let connection: DatabaseQueue
    /// Guards `requested`, `running`, `stopping`, `ended` and `runs`; signalled when any of them changes.
    private let condition = NSCondition()
    private var requested = false
    private var running = false
    private var stopping = false
    private var ended = false
    private var runs = 0

    /// Starts the thread; it runs until ``stop()``.
    init(connection: DatabaseQueue) {
        self.connection = connection
        Thread { [self] in run() }.start()
    }

    /// Checkpoints completed.
    var completed: Int {
        condition.lock()
        defer { condition.unlock() }
        return runs
    }

    /// Asks for a checkpoint, unless one is already requested or running (the next commit past the
    /// limit asks again once it has finished).
    func request() {
        condition.lock()
        defer { condition.unlock() }
        guard !requested, !running else { return }
        requested = true
        condition.broadcast()
    }

    /// Returns once no checkpoint is requested or running.
    func waitUntilIdle() {
        condition.lock()
        defer { condition.unlock() }
        while requested || running { condition.wait() }
    }

    /// Ends the thread after the checkpoint it is running, if any, and returns once it has closed
    /// its connection (so that the file can be opened again at once, as by a store just released).
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        condition.broadcast()
        while !ended { condition.wait() }
    }

    private func run() {
        #if canImport(Glibc)
        // On Linux `PRIO_PROCESS` with 0 names the calling thread. Failure leaves the default.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceIncrement)
        #endif
        Thread.current.name = Self.threadName
        while true {
            condition.lock()
            while !requested, !stopping { condition.wait() }
            if stopping {
                try? connection.close()
                ended = true
                condition.broadcast()
                condition.unlock()
                return
            }
            requested = false
            running = true
            condition.unlock()
            // Busy (another checkpoint in progress) or an I/O error: the next commit asks again.
            let done = (try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }) != nil
            condition.lock()
            running = false
            if done { runs += 1 }
            condition.broadcast()
            condition.unlock()
        }
    }
}
