/// The bounds of a peer's send queues, one queue per channel, and what happens when one is full.
///
/// A queue holds the frames not yet handed to the connection: those sent during the current
/// event-loop tick (written together at its end) and those waiting while the socket's write buffer
/// is over its high-water mark. A peer that reads slowly fills them; so does a burst of more
/// messages in one tick than the bound.
///
/// - consensus: never dropped. A full queue means the peer cannot keep up with consensus; it is
///   disconnected (`consensus-queue-full`) and will catch up by block sync after reconnecting.
/// - mempool: gossip is best effort. A full queue drops its oldest message to make room.
/// - block sync: a full queue drops the new message; the requester asks again after a timeout.
/// - control (handshake, ping, pong): a full queue disconnects the peer (`control-queue-full`).
public struct SendQueueLimits: Hashable, Sendable {
    /// Messages the consensus queue holds.
    public var consensus: Int
    /// Messages the mempool queue holds.
    public var mempool: Int
    /// Messages the block sync queue holds.
    public var blockSync: Int
    /// Messages the control queue holds.
    public var control: Int

    /// Creates limits.
    public init(consensus: Int = 4096, mempool: Int = 1024, blockSync: Int = 64, control: Int = 64) {
        precondition(consensus > 0 && mempool > 0 && blockSync > 0 && control > 0, "queue limits must be positive")
        self.consensus = consensus
        self.mempool = mempool
        self.blockSync = blockSync
        self.control = control
    }
}
