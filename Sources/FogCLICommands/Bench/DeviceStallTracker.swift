import Foundation

/// What a block device did while a benchmark step ran: how much it wrote and flushed, and how
/// long it held requests without completing any.
///
/// A *stall* is a stretch during which the device had requests in flight and completed none of
/// them. Finality needs a few synced writes per height on every validator, so a stall of the device
/// that holds their files stops every validator at once, and its length appears whole in the
/// latency of the envelopes pending meanwhile. Reported beside the step's latency so that a tail
/// made by the disk can be told from one made by the network.
struct DeviceActivity: Sendable, Equatable {
    /// The shortest stall counted in ``longStalls``, in milliseconds.
    static let longStallMillis = 50.0

    /// Seconds observed.
    var seconds = 0.0
    /// Bytes the device wrote.
    var bytesWritten: UInt64 = 0
    /// Cache flushes the device completed.
    var flushes: UInt64 = 0
    /// Stalls of ``longStallMillis`` or more, their total and the longest stall, in milliseconds.
    var longStalls = 0
    var longStallMillisTotal = 0.0
    var longestStallMillis = 0.0

    var json: JSONValue {
        .object([
            "seconds": .double((seconds * 100).rounded() / 100),
            "bytesWritten": .uint(bytesWritten), "flushes": .uint(flushes),
            "stallsOver50Ms": .int(Int64(longStalls)),
            "stalledMs": .double(longStallMillisTotal.rounded()),
            "longestStallMs": .double(longestStallMillis.rounded()),
        ])
    }

    /// `MB written/s / flushes/s`, or `—` when nothing was observed.
    var rateCell: String {
        guard seconds > 0 else { return "—" }
        return String(format: "%.1f MB / %.0f", Double(bytesWritten) / 1e6 / seconds, Double(flushes) / seconds)
    }

    /// `count (total ms, longest ms)`, or `—` when nothing was observed.
    var stallCell: String {
        guard seconds > 0 else { return "—" }
        return "\(longStalls) (\(Int(longStallMillisTotal.rounded())) ms, longest \(Int(longestStallMillis.rounded())) ms)"
    }
}

/// One reading of a block device's counters (Linux's `/sys/dev/block/MAJ:MIN/stat` and `inflight`).
struct DeviceSample: Sendable, Equatable {
    /// Monotonic time of the reading, in nanoseconds.
    var nanos: UInt64
    /// Requests completed so far: reads, writes, discards and flushes.
    var completed: UInt64
    /// Requests in flight at the reading.
    var inFlight: UInt64
    /// 512-byte sectors written so far.
    var sectorsWritten: UInt64
    /// Flushes completed so far (0 where the kernel does not count them).
    var flushes: UInt64

    /// Parses the device's `stat` file (fields as in the kernel's `Documentation/block/stat.rst`;
    /// discards and flushes are counted where present) and its `inflight` file (reads, writes).
    /// Returns `nil` when either does not have the expected form.
    static func parse(stat: String, inflight: String, nanos: UInt64) -> DeviceSample? {
        let fields = stat.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { UInt64($0) }
        let flight = inflight.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { UInt64($0) }
        guard fields.count >= 11, flight.count == 2, !fields.contains(nil), !flight.contains(nil) else { return nil }
        let value = fields.map { $0! }
        var completed = value[0] + value[4]
        if value.count >= 15 { completed += value[11] }
        var flushes: UInt64 = 0
        if value.count >= 17 {
            flushes = value[15]
            completed += flushes
        }
        return DeviceSample(nanos: nanos, completed: completed, inFlight: flight[0]! + flight[1]!,
                            sectorsWritten: value[6], flushes: flushes)
    }
}

/// Turns successive ``DeviceSample``s into a ``DeviceActivity``: a stall runs from the last
/// reading at which the device had completed something new (or had nothing in flight) to the next
/// reading at which it had, as long as every reading between found requests in flight.
struct DeviceStallTracker: Sendable {
    /// A stall this long or longer counts in ``DeviceActivity/longStalls``.
    static let longStallNanos = UInt64(DeviceActivity.longStallMillis * 1e6)

    private var first: DeviceSample?
    private var last: DeviceSample?
    /// When the current stall began (the last reading with progress), while one runs.
    private var stalledSince: UInt64?
    private(set) var activity = DeviceActivity()

    /// Adds the next reading (readings must come in time order).
    mutating func add(_ sample: DeviceSample) {
        defer { last = sample }
        guard let previous = last else {
            first = sample
            return
        }
        activity.seconds = Double(sample.nanos - (first?.nanos ?? sample.nanos)) / 1e9
        activity.bytesWritten = (sample.sectorsWritten &- (first?.sectorsWritten ?? 0)) * 512
        activity.flushes = sample.flushes &- (first?.flushes ?? 0)
        if sample.completed == previous.completed, sample.inFlight > 0, previous.inFlight > 0 {
            if stalledSince == nil { stalledSince = previous.nanos }
        } else if let since = stalledSince {
            stalledSince = nil
            record(stall: sample.nanos - since)
        }
    }

    /// Ends observation: a stall still running counts up to the last reading.
    mutating func finish() -> DeviceActivity {
        if let since = stalledSince, let last {
            stalledSince = nil
            record(stall: last.nanos - since)
        }
        return activity
    }

    private mutating func record(stall nanos: UInt64) {
        guard nanos >= Self.longStallNanos else { return }
        let millis = Double(nanos) / 1e6
        activity.longStalls += 1
        activity.longStallMillisTotal += millis
        activity.longestStallMillis = max(activity.longestStallMillis, millis)
    }
}
