public import FogCrypto

/// Which accepted transactions still owe their device a "committed" ack. Bounded: beyond
/// ``capacity`` pending ids the oldest is forgotten (its device gets no committed ack, and the
/// count says so). A block may commit a transaction before the gateway has recorded it as accepted
/// (the producer runs concurrently), so the ids of recent blocks are remembered too, also bounded.
/// Ids the tracker never saw (other clients' transactions, or from before a restart) are ignored.
public struct CommitAckTracker: Sendable {
    /// A committed ack to send.
    public struct Due: Hashable, Sendable {
        /// The device to notify.
        public let device: Address
        /// The transaction.
        public let tx: Hash256
        /// Its block's height.
        public let height: UInt64
    }

    /// The most pending transactions remembered.
    public let capacity: Int
    /// The most recently committed ids remembered.
    public let recentCapacity: Int
    /// Pending ids forgotten because the table was full.
    public private(set) var evicted = 0

    private var pending = FIFOTable<Address>()
    private var recent = FIFOTable<UInt64>()

    /// An empty tracker.
    public init(capacity: Int = 100_000, recentCapacity: Int = 20_000) {
        precondition(capacity > 0 && recentCapacity > 0)
        self.capacity = capacity
        self.recentCapacity = recentCapacity
    }

    /// The number of transactions waiting for their block.
    public var pendingCount: Int { pending.count }

    /// Records that `tx` of `device` was admitted; returns the committed ack at once when its block
    /// was already seen.
    public mutating func accepted(_ tx: Hash256, device: Address) -> Due? {
        if let height = recent.remove(tx) {
            return Due(device: device, tx: tx, height: height)
        }
        pending.insert(tx, device)
        while pending.count > capacity {
            pending.removeOldest()
            evicted += 1
        }
        return nil
    }

    /// Records a committed block; returns the committed acks it makes due, in block order.
    public mutating func committed(height: UInt64, ids: [Hash256]) -> [Due] {
        var due: [Due] = []
        for tx in ids {
            if let device = pending.remove(tx) {
                due.append(Due(device: device, tx: tx, height: height))
            } else {
                recent.insert(tx, height)
                while recent.count > recentCapacity { recent.removeOldest() }
            }
        }
        return due
    }
}

/// A map from transaction id to a value that forgets its oldest entries first.
struct FIFOTable<Value: Sendable>: Sendable {
    private var entries: [Hash256: (value: Value, serial: UInt64)] = [:]
    private var order: [(id: Hash256, serial: UInt64)] = []
    private var head = 0
    private var nextSerial: UInt64 = 0

    var count: Int { entries.count }

    mutating func insert(_ id: Hash256, _ value: Value) {
        entries[id] = (value, nextSerial)
        order.append((id, nextSerial))
        nextSerial += 1
        compact()
    }

    /// The value of `id`, left in place.
    func value(_ id: Hash256) -> Value? {
        entries[id]?.value
    }

    mutating func remove(_ id: Hash256) -> Value? {
        let value = entries.removeValue(forKey: id)?.value
        compact()
        return value
    }

    mutating func removeOldest() {
        while head < order.count {
            let oldest = order[head]
            head += 1
            if entries[oldest.id]?.serial == oldest.serial {
                entries[oldest.id] = nil
                break
            }
        }
        compact()
    }

    /// Drops order entries that no longer name a live entry once they outnumber the live ones,
    /// and the consumed prefix once it is most of the array (amortised O(1) per operation).
    private mutating func compact() {
        if order.count - head > 2 * entries.count + 64 {
            order = order[head...].filter { entries[$0.id]?.serial == $0.serial }
            head = 0
        } else if head > 64, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
