import FogCrypto
import FogWire
import Logging
import NIOCore
import Synchronization

/// The network's shared state: established sessions by node id, every open connection (for
/// shutdown), the rare-event counts, and where events go (the event stream, or a handler that
/// takes them instead). Connection handlers report to it from their event loop; the network's API
/// reads it from any thread.
final class PeerTable: Sendable {
    private struct State {
        var sessions: [Address: PeerSession] = [:]
        var connections: [ObjectIdentifier: any Channel] = [:]
        var stats = P2PStats()
        var running = true
    }

    private let state = Mutex(State())
    private let continuation: AsyncStream<P2PEvent>.Continuation
    private let handler = Mutex<EventHandler?>(nil)
    private let localID: Address
    let metrics = P2PMetrics()
    let logger: Logger

    init(localID: Address, continuation: AsyncStream<P2PEvent>.Continuation, logger: Logger) {
        self.localID = localID
        self.continuation = continuation
        self.logger = logger
    }

    // MARK: Connections

    /// Tracks an open connection; false (and the caller closes it) once the network shuts down.
    func opened(_ channel: any Channel) -> Bool {
        state.withLock { state in
            guard state.running else { return false }
            state.connections[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    /// Stops accepting connections, forgets the established sessions (nothing more is sent to them)
    /// and returns every open connection, to be closed.
    func stop() -> [any Channel] {
        state.withLock { state in
            state.running = false
            state.sessions = [:]
            return Array(state.connections.values)
        }
    }

    func finishEvents() { continuation.finish() }

    /// Sends every later event to `handler` instead of the stream.
    func handleEvents(with handler: @escaping @Sendable (P2PEvent) -> Void) {
        self.handler.withLock { $0 = EventHandler(handle: handler) }
    }

    private func emit(_ event: P2PEvent) {
        if let handler = handler.withLock({ $0 }) {
            handler.handle(event)
        } else {
            continuation.yield(event)
        }
    }

    // MARK: Sessions

    /// Records a peer that completed its handshake. When a session to that peer already exists (both
    /// sides dialled), the connection dialled by the node with the lower id survives on both sides;
    /// returns false when `session` is the one to close.
    func register(_ session: PeerSession, handshake: Handshake) -> Bool {
        let (accepted, replaced) = state.withLock { state -> (Bool, PeerSession?) in
            guard state.running else { return (false, nil) }
            guard let existing = state.sessions[session.nodeID] else {
                state.sessions[session.nodeID] = session
                return (true, nil)
            }
            let preferOutbound = localID < session.nodeID
            if existing.outbound == preferOutbound && session.outbound != preferOutbound { return (false, nil) }
            state.sessions[session.nodeID] = session
            return (true, existing)
        }
        if let replaced {
            replaced.close(reason: "duplicate-connection")
        } else if accepted {
            emit(.peerUp(session.nodeID, handshake))
        }
        return accepted
    }

    /// Records a closed connection; `session` is nil when it closed before its handshake completed.
    func closed(_ channel: any Channel, session: PeerSession?, remote: String, reason: String, detail: String) {
        let wasCurrent = state.withLock { state -> Bool in
            state.connections[ObjectIdentifier(channel)] = nil
            if session == nil {
                state.stats.refused[reason, default: 0] += 1
                return false
            }
            state.stats.disconnects[reason, default: 0] += 1
            guard let session, state.sessions[session.nodeID] === session else { return false }
            state.sessions[session.nodeID] = nil
            return true
        }
        if let session {
            metrics.disconnected(reason: reason)
            logger.log(level: reason == "closed" || reason == "shutdown" ? .info : .warning, "peer disconnected",
                       metadata: ["peer": "\(session.nodeID)", "remote": "\(remote)", "reason": "\(reason)",
                                  "detail": "\(detail)"])
            if wasCurrent { emit(.peerDown(session.nodeID, reason: reason)) }
        } else {
            metrics.refused(reason: reason)
            logger.warning("connection refused", metadata: ["remote": "\(remote)", "reason": "\(reason)",
                                                            "detail": "\(detail)"])
            emit(.connectionFailed(remote: remote, reason: reason))
        }
    }

    /// A dial that failed before any connection existed.
    func dialFailed(remote: String, reason: String, detail: String) {
        state.withLock { $0.stats.refused[reason, default: 0] += 1 }
        metrics.refused(reason: reason)
        logger.debug("dial failed", metadata: ["remote": "\(remote)", "reason": "\(reason)", "detail": "\(detail)"])
        emit(.connectionFailed(remote: remote, reason: reason))
    }

    func deliver(_ message: WireMessage, from peer: Address) {
        emit(.message(peer, message))
    }

    func dropped(_ channel: WireChannel) {
        metrics.dropped(channel)
        state.withLock { state in
            if channel == .mempool { state.stats.mempoolDropped += 1 } else { state.stats.blockSyncDropped += 1 }
        }
    }

    func session(for peer: Address) -> PeerSession? { state.withLock { $0.sessions[peer] } }

    var sessions: [PeerSession] { state.withLock { Array($0.sessions.values) } }

    var stats: P2PStats { state.withLock { $0.stats } }
}

/// A handler that takes the network's events instead of the stream (held in a class, so that the
/// closure is stored and called at its own type).
private final class EventHandler: Sendable {
    let handle: @Sendable (P2PEvent) -> Void

    init(handle: @escaping @Sendable (P2PEvent) -> Void) {
        self.handle = handle
    }
}
