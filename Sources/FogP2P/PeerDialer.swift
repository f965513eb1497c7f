import FogCore
import NIOCore
import Synchronization

/// Keeps one connection to a persistent peer, driven by the event loop rather than by tasks, so that
/// redialling never waits for a busy task pool: dial; when the dial fails or the connection ends,
/// wait the backoff delay and dial again. A connection that completed its handshake resets the
/// backoff; while another connection to the peer exists (it dialled this node), the dialler waits
/// for that one to close.
final class PeerDialer: Sendable {
    private struct State {
        var attempt = 0
        var generator: SplitMix64
        var stopped = false
        var timer: Scheduled<Void>?
    }

    /// Dials the peer; the outcome records whether the connection completed its handshake.
    typealias Dial = @Sendable (PersistentPeer, ConnectionOutcome) -> EventLoopFuture<any Channel>

    private let peer: PersistentPeer
    private let backoff: ReconnectBackoff
    private let eventLoop: any EventLoop
    private let dial: Dial
    private let existing: @Sendable () -> (any Channel)?
    private let dialFailed: @Sendable (any Error) -> Void
    private let state: Mutex<State>

    init(peer: PersistentPeer, backoff: ReconnectBackoff, seed: UInt64, eventLoop: any EventLoop,
         dial: @escaping Dial, existing: @escaping @Sendable () -> (any Channel)?,
         dialFailed: @escaping @Sendable (any Error) -> Void) {
        self.peer = peer
        self.backoff = backoff
        self.eventLoop = eventLoop
        self.dial = dial
        self.existing = existing
        self.dialFailed = dialFailed
        state = Mutex(State(generator: SplitMix64(seed: seed)))
    }

    /// Dials now, and keeps redialling until `stop()`.
    func start() { dialNow() }

    /// Stops redialling; the current connection, if any, is left to the network to close.
    func stop() {
        let timer = state.withLock { state in
            state.stopped = true
            return state.timer
        }
        timer?.cancel()
    }

    private func dialNow() {
        guard !state.withLock({ $0.stopped }) else { return }
        if let channel = existing() {
            channel.closeFuture.whenComplete { _ in self.retry(established: true) }
            return
        }
        let outcome = ConnectionOutcome()
        dial(peer, outcome).whenComplete { result in
            switch result {
            case .success(let channel):
                channel.closeFuture.whenComplete { _ in self.retry(established: outcome.wasEstablished) }
            case .failure(let error):
                self.dialFailed(error)
                self.retry(established: false)
            }
        }
    }

    private func retry(established: Bool) {
        let delay = state.withLock { state -> UInt64? in
            guard !state.stopped else { return nil }
            if established { state.attempt = 0 }
            let delay = backoff.delayMilliseconds(attempt: state.attempt, using: &state.generator)
            state.attempt += 1
            return delay
        }
        guard let delay else { return }
        let timer = eventLoop.scheduleTask(in: .milliseconds(Int64(delay))) { self.dialNow() }
        state.withLock { $0.timer = timer }
    }
}
