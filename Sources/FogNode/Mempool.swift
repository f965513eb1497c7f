public import FogCrypto

/// The mempool's named limits.
public struct MempoolLimits: Hashable, Sendable {
    /// The most envelopes held at once.
    public var maxCount: Int
    /// The most envelope bytes held at once.
    public var maxBytes: Int

    /// Creates limits.
    public init(maxCount: Int = 10_000, maxBytes: Int = 32 * 1024 * 1024) {
        self.maxCount = maxCount
        self.maxBytes = maxBytes
    }
}

/// The admitted envelopes waiting for a block, in arrival order, deduplicated by id and bounded by
/// count and bytes. Admission checks (signature, state) happen before ``add(id:bytes:)``.
public struct Mempool: Sendable {
    /// Why an envelope was not added.
    public enum Refusal: Error, Hashable, Sendable {
        /// An envelope with the same id (payload hash) is already pending.
        case duplicate
        /// Adding it would exceed the count or byte limit.
        case full
    }

    /// The limits.
    public let limits: MempoolLimits
    /// The pending envelopes in arrival order.
    public private(set) var envelopes: [(id: Hash256, bytes: [UInt8])] = []
    /// The ids of `envelopes`.
    private var ids: Set<Hash256> = []
    /// The total bytes of `envelopes`.
    public private(set) var byteCount = 0

    /// An empty mempool.
    public init(limits: MempoolLimits) {
        self.limits = limits
    }

    /// The number of pending envelopes.
    public var count: Int { envelopes.count }

    /// Whether `id` is pending.
    public func contains(_ id: Hash256) -> Bool { ids.contains(id) }

    /// Whether one more envelope of `size` bytes would fit.
    public func fits(_ size: Int) -> Bool {
        envelopes.count < limits.maxCount && size <= limits.maxBytes - byteCount
    }

    /// Adds an admitted envelope.
    public mutating func add(id: Hash256, bytes: [UInt8]) throws(Refusal) {
        guard !ids.contains(id) else { throw .duplicate }
        guard fits(bytes.count) else { throw .full }
        envelopes.append((id, bytes))
        ids.insert(id)
        byteCount += bytes.count
    }

    /// Removes and returns the oldest envelopes, at most `maxCount` of them and at most `maxBytes` bytes
    /// (at least one when any is pending).
    public mutating func take(maxCount: Int, maxBytes: Int) -> [(id: Hash256, bytes: [UInt8])] {
        var taken = 0
        var bytes = 0
        while taken < envelopes.count, taken < maxCount {
            let size = envelopes[taken].bytes.count
            if taken > 0, size > maxBytes - bytes { break }
            bytes += size
            taken += 1
        }
        let batch = Array(envelopes.prefix(taken))
        envelopes.removeFirst(taken)
        for entry in batch { ids.remove(entry.id) }
        byteCount -= bytes
        return batch
    }
}
