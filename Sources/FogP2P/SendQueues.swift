import FogWire
import NIOCore

/// A peer's outgoing frames waiting for the connection to accept them: one bounded queue per
/// channel, drained in priority order (control, consensus, block sync, mempool). See
/// `SendQueueLimits` for what happens when a queue is full.
struct SendQueues {
    /// What `enqueue` did with a frame.
    enum Outcome: Equatable {
        /// Queued.
        case queued
        /// Queued after dropping the oldest frame of a full mempool queue.
        case queuedDroppingOldest
        /// Not queued: the block sync queue is full.
        case droppedNewest
        /// Not queued: the queue of a channel that never drops is full; the peer must be disconnected.
        case overflow
    }

    private static let priority: [WireChannel] = [.control, .consensus, .blockSync, .mempool]
    private var queues: [CircularBuffer<ByteBuffer>] = Array(repeating: CircularBuffer(), count: 4)
    private let limits: SendQueueLimits

    init(limits: SendQueueLimits) {
        self.limits = limits
    }

    var isEmpty: Bool { queues.allSatisfy(\.isEmpty) }

    /// Frames waiting on `channel`.
    func count(_ channel: WireChannel) -> Int { queues[Self.index(channel)].count }

    mutating func enqueue(_ frame: ByteBuffer, on channel: WireChannel) -> Outcome {
        let index = Self.index(channel)
        guard queues[index].count >= limit(channel) else {
            queues[index].append(frame)
            return .queued
        }
        switch channel {
        case .mempool:
            queues[index].removeFirst()
            queues[index].append(frame)
            return .queuedDroppingOldest
        case .blockSync:
            return .droppedNewest
        case .consensus, .control:
            return .overflow
        }
    }

    /// The next frame to write, highest-priority channel first.
    mutating func next() -> ByteBuffer? {
        for index in queues.indices where !queues[index].isEmpty {
            return queues[index].removeFirst()
        }
        return nil
    }

    private func limit(_ channel: WireChannel) -> Int {
        switch channel {
        case .control: return limits.control
        case .consensus: return limits.consensus
        case .blockSync: return limits.blockSync
        case .mempool: return limits.mempool
        }
    }

    private static func index(_ channel: WireChannel) -> Int { priority.firstIndex(of: channel)! }
}
