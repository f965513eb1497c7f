public import FogTypes

/// When a batch of readings is sealed: at `maxReadings`, when its first reading is `maxAgeMillis`
/// old, or before its payload would pass `maxPayloadBytes` — whichever comes first.
public struct BatchLimits: Hashable, Sendable {
    /// Most readings under one signature (1…`ObjectLimits.maxBatchReadings`).
    public let maxReadings: Int
    /// Longest a reading waits for others before its batch is sealed, in milliseconds.
    public let maxAgeMillis: UInt64
    /// Largest batch payload, in bytes (at most `ObjectLimits.maxPayloadBytes`).
    public let maxPayloadBytes: Int

    /// Creates limits, clamped to the ledger's own.
    public init(maxReadings: Int = 50, maxAgeMillis: UInt64 = 1_000, maxPayloadBytes: Int = 64 * 1024) {
        self.maxReadings = min(max(maxReadings, 1), ObjectLimits.maxBatchReadings)
        self.maxAgeMillis = maxAgeMillis
        self.maxPayloadBytes = min(max(maxPayloadBytes, 1_024), ObjectLimits.maxPayloadBytes)
    }

    /// One reading per envelope.
    public static let single = BatchLimits(maxReadings: 1, maxAgeMillis: 0)
}

/// Groups one device's readings into batches (pure: time is an input).
public struct ReadingBatcher: Sendable {
    /// The limits.
    public let limits: BatchLimits
    /// The readings of the batch being filled, in sequence order.
    public private(set) var open: [Reading] = []
    private var openBytes = 0
    private var openedAtMillis: UInt64 = 0

    /// Bytes of a batch's fixed part beyond its entries (type, chain id up to 64 bytes, device, array
    /// header): an upper bound, so a sealed batch never exceeds `maxPayloadBytes`.
    static let batchOverheadBytes = 128

    /// Creates an empty batcher.
    public init(limits: BatchLimits) {
        self.limits = limits
    }

    /// Adds a reading taken now; returns the batches it sealed (the open one, when the reading
    /// would not fit in it, and the reading's own batch, when it reached a limit).
    public mutating func add(_ reading: Reading, nowMillis: UInt64) -> [[Reading]] {
        var sealed: [[Reading]] = []
        // A reading's own encoding bounds its entry in a batch (it also holds chain and device).
        let size = reading.encoded.count
        if !open.isEmpty, Self.batchOverheadBytes + openBytes + size > limits.maxPayloadBytes {
            sealed.append(takeOpen())
        }
        if open.isEmpty { openedAtMillis = nowMillis }
        open.append(reading)
        openBytes += size
        if open.count >= limits.maxReadings || nowMillis &- openedAtMillis >= limits.maxAgeMillis {
            sealed.append(takeOpen())
        }
        return sealed
    }

    /// The open batch, when its first reading has waited `maxAgeMillis`.
    public mutating func sealIfDue(nowMillis: UInt64) -> [Reading]? {
        guard !open.isEmpty, nowMillis &- openedAtMillis >= limits.maxAgeMillis else { return nil }
        return takeOpen()
    }

    /// The open batch now, whatever its age (on stop).
    public mutating func sealNow() -> [Reading]? {
        open.isEmpty ? nil : takeOpen()
    }

    /// When the open batch falls due, if there is one.
    public var dueAtMillis: UInt64? {
        open.isEmpty ? nil : openedAtMillis &+ limits.maxAgeMillis
    }

    private mutating func takeOpen() -> [Reading] {
        let batch = open
        open = []
        openBytes = 0
        return batch
    }
}
