import Foundation

/// Runs blocking or long CPU-bound work on a thread of its own and awaits its result.
///
/// Swift's cooperative pool has one thread per core (two on a 2-core machine), and on Linux
/// `DispatchQueue.global()` shares those threads: a test that waits for a child process, sleeps, or
/// computes for seconds on either one can leave the servers and timers of every other test running
/// in parallel without a thread. A thread of its own costs the others nothing while it waits.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

/// ``onOwnThread(_:)`` for work that cannot throw.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: work()) }
    }
}
