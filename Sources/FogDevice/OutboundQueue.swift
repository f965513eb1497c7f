public import FogCrypto

/// The bounds of an outbound queue.
public struct QueueLimits: Hashable, Sendable {
    /// Most envelopes held (sent or not, until committed or rejected).
    public let maxEnvelopes: Int
    /// Most bytes of envelopes held.
    public let maxBytes: Int
    /// Most envelopes sent and not yet accepted; 1 makes every send wait for the previous answer.
    public let inflightWindow: Int

    /// Creates limits (each at least 1).
    public init(maxEnvelopes: Int = 100_000, maxBytes: Int = 256 * 1024 * 1024, inflightWindow: Int = 1) {
        self.maxEnvelopes = max(1, maxEnvelopes)
        self.maxBytes = max(1, maxBytes)
        self.inflightWindow = max(1, inflightWindow)
    }
}

/// What the ledger said about an envelope, as far as the queue is concerned.
public enum QueueResolution: Hashable, Sendable {
    /// The ledger already holds this very envelope (a resend after a lost answer, answered
    /// `already-committed`): done.
    case alreadyRecorded
    /// Refused for good; surfaced to the caller and dropped.
    case rejected
    /// Refused for now (e.g. `mempool-full`); sent again after a backoff.
    case retry
}

/// A device's outbound envelopes in sequence order, from signing until the ledger commits them
/// (pure: no IO, time as input).
///
/// Each envelope is *pending* (to send), *sent* (awaiting acceptance) or *accepted* (in the node's
/// mempool, awaiting its commit). Envelopes go out in order, at most `inflightWindow` sent at once.
/// Whenever one must go again (a transport failure, a transient refusal, an acceptance that never
/// committed), it and every later envelope not yet committed return to pending, so the resend keeps
/// sequence order: the ledger takes sequence numbers only in increasing order. A resend of an
/// envelope the ledger already holds is answered `already-committed` (the node looks its transaction
/// id up in its receipts), and only that ends it as recorded. `stale-sequence` is a rejection like
/// any other: the ledger has moved past those sequence numbers with *other* readings (e.g. a later
/// one overtook it through another node), so this envelope is not on the ledger and the caller must
/// hear so.
///
/// **When full** (`maxEnvelopes` or `maxBytes`), `enqueue` refuses the new envelope with
/// `queue-full` and keeps everything already queued: nothing signed is dropped silently, and the
/// caller decides (wait, lower its rate, or discard the newest reading knowingly).
public struct OutboundQueue: Sendable {
    /// An envelope's state.
    public enum State: Hashable, Sendable {
        case pending
        case sent(atMillis: UInt64)
        case accepted(atMillis: UInt64)

        var isSent: Bool {
            if case .sent = self { return true }
            return false
        }
    }

    /// One queued envelope.
    public struct Entry: Hashable, Sendable {
        /// The envelope.
        public let envelope: OutboundEnvelope
        /// Its state.
        public var state: State
        /// How many times it was sent.
        public var attempts: Int
    }

    /// The limits.
    public let limits: QueueLimits
    /// The queued envelopes, in sequence order.
    public private(set) var entries: [Entry] = []
    /// Bytes of the queued envelopes.
    public private(set) var byteCount = 0

    /// Creates an empty queue.
    public init(limits: QueueLimits = QueueLimits()) {
        self.limits = limits
    }

    /// Number of envelopes queued.
    public var count: Int { entries.count }

    /// Whether nothing is queued.
    public var isEmpty: Bool { entries.isEmpty }

    /// Envelopes sent and not yet accepted.
    public var inflightCount: Int { entries.reduce(0) { $0 + ($1.state.isSent ? 1 : 0) } }

    /// Whether another envelope of `bytes` bytes fits.
    public func hasRoom(forBytes bytes: Int = 0) -> Bool {
        entries.count < limits.maxEnvelopes && byteCount + bytes <= limits.maxBytes
    }

    /// Appends an envelope whose sequence numbers follow every queued one's. `ignoringLimits` is for
    /// envelopes already recorded durably (recovered from disk, or sealed from readings the queue
    /// already took): those are never refused.
    public mutating func enqueue(_ envelope: OutboundEnvelope, ignoringLimits: Bool = false) throws(DeviceError) {
        guard ignoringLimits || hasRoom(forBytes: envelope.bytes.count) else {
            throw DeviceError("queue-full",
                              "the queue holds \(entries.count) envelopes (\(byteCount) bytes), its limit is \(limits.maxEnvelopes) (\(limits.maxBytes) bytes)")
        }
        if let last = entries.last {
            guard last.envelope.device == envelope.device, envelope.sequences.lowerBound > last.envelope.sequences.upperBound else {
                throw DeviceError("invalid-value",
                                  "envelope seq \(envelope.sequences.lowerBound) does not follow the queued seq \(last.envelope.sequences.upperBound)")
            }
        }
        entries.append(Entry(envelope: envelope, state: .pending, attempts: 0))
        byteCount += envelope.bytes.count
    }

    /// The next envelope to send, marked sent at `nowMillis`; nil when none is pending or the window
    /// is full.
    public mutating func nextToSend(nowMillis: UInt64) -> OutboundEnvelope? {
        guard inflightCount < limits.inflightWindow,
              let index = entries.firstIndex(where: { $0.state == .pending })
        else { return nil }
        entries[index].state = .sent(atMillis: nowMillis)
        entries[index].attempts += 1
        return entries[index].envelope
    }

    /// The node admitted the envelope; returns it, or nil when it is not queued (a late answer).
    @discardableResult
    public mutating func accepted(_ id: Hash256, nowMillis: UInt64) -> OutboundEnvelope? {
        guard let index = index(of: id) else { return nil }
        if entries[index].state != .pending { entries[index].state = .accepted(atMillis: nowMillis) }
        return entries[index].envelope
    }

    /// The ledger committed the envelope: it leaves the queue. Returns it, or nil when not queued.
    @discardableResult
    public mutating func committed(_ id: Hash256) -> OutboundEnvelope? {
        guard let index = index(of: id) else { return nil }
        return remove(at: index)
    }

    /// The node refused the envelope with `code`: classifies it, and removes it unless it is to be
    /// retried (then it and every later envelope go back to pending). Nil when not queued.
    public mutating func refused(_ id: Hash256, code: String) -> (OutboundEnvelope, QueueResolution)? {
        guard let index = index(of: id) else { return nil }
        let resolution = Self.classify(code)
        switch resolution {
        case .alreadyRecorded, .rejected:
            return (remove(at: index), resolution)
        case .retry:
            let envelope = entries[index].envelope
            requeue(from: index)
            return (envelope, resolution)
        }
    }

    /// The transport failed: every sent envelope goes back to pending, with everything after it.
    public mutating func transportFailed() {
        if let index = entries.firstIndex(where: { $0.state.isSent }) { requeue(from: index) }
    }

    /// The envelope must go again (the node lost it): it and every later envelope return to pending.
    public mutating func resend(_ id: Hash256) {
        if let index = index(of: id) { requeue(from: index) }
    }

    /// Envelopes sent or accepted at or before `nowMillis - timeoutMillis` with no answer or commit
    /// since (the answer was lost, or the node lost its mempool) go back to pending with everything
    /// after them; returns how many envelopes were requeued.
    @discardableResult
    public mutating func requeueUnanswered(nowMillis: UInt64, timeoutMillis: UInt64) -> Int {
        let index = entries.firstIndex { entry in
            switch entry.state {
            case .sent(let at), .accepted(let at): return nowMillis &- at >= timeoutMillis
            case .pending: return false
            }
        }
        guard let index else { return 0 }
        let count = entries[index...].reduce(0) { $0 + ($1.state == .pending ? 0 : 1) }
        requeue(from: index)
        return count
    }

    /// How a refusal code is handled: `already-committed` means the ledger holds this very envelope
    /// (an earlier copy committed); `mempool-full`, `node-unavailable`, `store-unavailable` and
    /// `timeout` are retried; every other code is final, `stale-sequence` included (the sequence
    /// numbers were taken by other readings, so this one is not recorded). (A transport reports
    /// `duplicate` — the same envelope already pending at the node — as an acceptance: its commit is
    /// still to come.)
    public static func classify(_ code: String) -> QueueResolution {
        switch code {
        case "already-committed": return .alreadyRecorded
        case "mempool-full", "node-unavailable", "store-unavailable", "timeout": return .retry
        default: return .rejected
        }
    }

    private func index(of id: Hash256) -> Int? {
        entries.firstIndex { $0.envelope.transactionID == id }
    }

    private mutating func remove(at index: Int) -> OutboundEnvelope {
        let entry = entries.remove(at: index)
        byteCount -= entry.envelope.bytes.count
        return entry.envelope
    }

    private mutating func requeue(from index: Int) {
        for position in index..<entries.count { entries[position].state = .pending }
    }
}
