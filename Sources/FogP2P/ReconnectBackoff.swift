public import FogCore

/// Capped exponential backoff with jitter for redialling a persistent peer.
///
/// The delay before attempt `n` (0 after a connection that completed its handshake) is
/// `min(maximum, initial × 2ⁿ)`, scaled by a factor drawn uniformly from `1 - jitter … 1 + jitter`,
/// so peers that lost each other at the same moment do not redial in lockstep. The randomness comes
/// from a seeded generator: the same seed gives the same delays.
public struct ReconnectBackoff: Hashable, Sendable {
    /// The delay before the first retry, in milliseconds.
    public var initialMilliseconds: UInt64
    /// The largest delay, in milliseconds.
    public var maximumMilliseconds: UInt64
    /// The jitter fraction, 0 ≤ jitter < 1.
    public var jitter: Double

    /// Creates a policy.
    public init(initialMilliseconds: UInt64 = 100, maximumMilliseconds: UInt64 = 10_000, jitter: Double = 0.2) {
        precondition(initialMilliseconds > 0 && maximumMilliseconds >= initialMilliseconds, "bad backoff bounds")
        precondition(jitter >= 0 && jitter < 1, "jitter must be in 0..<1")
        self.initialMilliseconds = initialMilliseconds
        self.maximumMilliseconds = maximumMilliseconds
        self.jitter = jitter
    }

    /// The delay in milliseconds before retry number `attempt` (0-based).
    public func delayMilliseconds(attempt: Int, using generator: inout SplitMix64) -> UInt64 {
        let shift = min(attempt, 32)
        let base = min(maximumMilliseconds, initialMilliseconds.multipliedReportingOverflow(by: 1 << UInt64(shift))
            .overflow ? maximumMilliseconds : initialMilliseconds << UInt64(shift))
        let unit = Double(generator.next() >> 11) / Double(1 << 53)
        let factor = 1 - jitter + 2 * jitter * unit
        return UInt64((Double(base) * factor).rounded())
    }
}
