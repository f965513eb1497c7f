import FogWire

/// Envelopes admitted but not yet gossiped, in admission order, so that what is admitted in one
/// burst goes to each peer as one `transactions` message instead of one message per envelope.
///
/// A message holds at most `WireLimits.maxGossipEnvelopes` envelopes and at most ``maxMessageBytes``
/// envelope bytes (one envelope larger than that goes alone: an envelope is at most
/// `ObjectLimits.maxEnvelopeBytes`, well within a frame). Taking the batches in the order they
/// are produced keeps each signer's envelopes in admission order on every peer connection.
struct GossipOutbox {
    /// The most envelope bytes gathered into one message.
    static let maxMessageBytes = 512 * 1024
    /// How long the first envelope of a message waits for others (each message costs every peer a
    /// TLS record, a wake-up of its event loop and a hop onto its actor).
    static let flushDelay: Duration = .milliseconds(2)

    /// The envelopes waiting, oldest first.
    private(set) var envelopes: [[UInt8]] = []
    /// The bytes of `envelopes`.
    private(set) var byteCount = 0

    /// Whether nothing waits.
    var isEmpty: Bool { envelopes.isEmpty }

    /// Adds `envelope`; when it does not fit beside those waiting, returns those as a full batch to
    /// send first (the new envelope then starts the next batch).
    mutating func add(_ envelope: [UInt8]) -> [[UInt8]]? {
        var full: [[UInt8]]?
        if !envelopes.isEmpty,
           envelopes.count >= WireLimits.maxGossipEnvelopes || envelope.count > Self.maxMessageBytes - byteCount {
            full = take()
        }
        envelopes.append(envelope)
        byteCount += envelope.count
        return full
    }

    /// Removes and returns every waiting envelope (at most one message's worth).
    mutating func take() -> [[UInt8]] {
        let batch = envelopes
        envelopes = []
        byteCount = 0
        return batch
    }
}
