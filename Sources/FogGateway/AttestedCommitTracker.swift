public import FogCrypto

/// Which admitted attestations still owe their readings' devices a "committed" ack: as
/// ``CommitAckTracker``, but one transaction carries readings of several devices. Bounded the same way.
public struct AttestedCommitTracker: Sendable {
    /// One reading of an attestation.
    public struct Entry: Hashable, Sendable {
        /// The reading's device.
        public let device: Address
        /// Its sequence number.
        public let sequence: UInt64

        /// Creates an entry.
        public init(device: Address, sequence: UInt64) {
            self.device = device
            self.sequence = sequence
        }
    }

    /// A committed ack to send.
    public struct Due: Hashable, Sendable {
        /// The reading.
        public let entry: Entry
        /// The attestation.
        public let tx: Hash256
        /// Its block's height.
        public let height: UInt64
    }

    /// The most pending attestations remembered.
    public let capacity: Int
    /// The most recently committed ids remembered.
    public let recentCapacity: Int
    /// Pending attestations forgotten because the table was full.
    public private(set) var evicted = 0

    private var pending = FIFOTable<[Entry]>()
    private var recent = FIFOTable<UInt64>()

    /// An empty tracker.
    public init(capacity: Int = 10_000, recentCapacity: Int = 20_000) {
        precondition(capacity > 0 && recentCapacity > 0)
        self.capacity = capacity
        self.recentCapacity = recentCapacity
    }

    /// Records that `entries` of attestation `tx` were admitted (the readings of one attestation
    /// arrive one by one); returns their committed acks at once when its block was already seen.
    public mutating func accepted(_ tx: Hash256, entries: [Entry]) -> [Due] {
        if let height = recent.value(tx) {
            return entries.map { Due(entry: $0, tx: tx, height: height) }
        }
        pending.insert(tx, (pending.remove(tx) ?? []) + entries)
        while pending.count > capacity {
            pending.removeOldest()
            evicted += 1
        }
        return []
    }

    /// Records a committed block; returns the committed acks it makes due, in block order. Every id
    /// is remembered, pending or not: a reading of the same attestation whose admission is reported
    /// after the block was seen gets its ack from ``accepted(_:entries:)``.
    public mutating func committed(height: UInt64, ids: [Hash256]) -> [Due] {
        var due: [Due] = []
        for tx in ids {
            if let entries = pending.remove(tx) {
                due += entries.map { Due(entry: $0, tx: tx, height: height) }
            }
            recent.insert(tx, height)
            while recent.count > recentCapacity { recent.removeOldest() }
        }
        return due
    }
}
