public import FogCrypto

/// One envelope as events name it: its transaction id and the readings it carries.
public struct EnvelopeSummary: Hashable, Sendable {
    /// SHA-256 of the COSE payload (the node's transaction id).
    public let transactionID: Hash256
    /// First and last sequence numbers.
    public let sequences: ClosedRange<UInt64>
    /// Number of readings.
    public let readingCount: Int
}

/// What happened to the device's readings, in the order the agent learned it.
public enum DeviceEvent: Hashable, Sendable {
    /// The node admitted the envelope to its mempool.
    case accepted(EnvelopeSummary)
    /// The envelope is in a committed block at `height`; it has left the queue.
    case committed(EnvelopeSummary, height: UInt64)
    /// A resend the ledger already held (its first copy committed while the answer was lost); it has
    /// left the queue.
    case alreadyRecorded(EnvelopeSummary)
    /// Refused for good with a stable code; it has left the queue. Nil when the gateway could not
    /// tell which envelope it refused.
    case rejected(EnvelopeSummary?, code: String, message: String)
    /// Sending failed or was refused for now; the queue resends after `afterMillis`.
    case retrying(afterMillis: UInt64, reason: String)
}
