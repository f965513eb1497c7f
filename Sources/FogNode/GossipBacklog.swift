import FogP2P
import FogWire
import Synchronization

/// Counts the events and gossiped envelopes waiting in a validator's ordered lane, and refuses a
/// gossip message that would take the envelopes above a limit (so that a proposal queued behind
/// gossip never waits for more than that many signature checks). Other events always pass.
final class GossipBacklog: Sendable {
    private let limit: Int
    private let queued = Atomic<Int>(0)
    private let events = Atomic<Int>(0)

    /// A backlog of at most `limit` envelopes.
    init(limit: Int) {
        self.limit = limit
    }

    /// The envelopes now waiting.
    var count: Int { queued.load(ordering: .relaxed) }

    /// Whether no event waits in the lane or is being handled there. Only the lane's producer adds
    /// events, so when it sees the lane idle, the lane stays idle until it adds one.
    var isIdle: Bool { events.load(ordering: .acquiring) == 0 }

    /// Whether `event` may join the lane; one that may is counted (with its envelopes) until
    /// ``done(with:)``. An empty lane takes a message of any size. Only the lane's producer calls
    /// this, so checking then adding cannot overshoot the limit.
    func admits(_ event: P2PEvent) -> Bool {
        let envelopes = Self.envelopes(in: event)
        if envelopes > 0 {
            let waiting = queued.load(ordering: .relaxed)
            guard waiting == 0 || waiting + envelopes <= limit else { return false }
            queued.add(envelopes, ordering: .relaxed)
        }
        events.add(1, ordering: .relaxed)
        return true
    }

    /// Notes that `event` left the lane (after it was handled).
    func done(with event: P2PEvent) {
        let envelopes = Self.envelopes(in: event)
        if envelopes > 0 { queued.subtract(envelopes, ordering: .relaxed) }
        events.subtract(1, ordering: .releasing)
    }

    private static func envelopes(in event: P2PEvent) -> Int {
        if case .message(_, .transactions(let envelopes)) = event { return envelopes.count }
        return 0
    }
}
