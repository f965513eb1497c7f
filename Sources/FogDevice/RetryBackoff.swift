/// Capped exponential backoff with jitter, for resending after a failure (pure: the randomness is
/// passed in).
///
/// Attempt n (from 0) waits a random delay between half and all of `min(maxMillis, initialMillis·2ⁿ)`
/// ("equal jitter"): growing gaps, never more than the cap, and a fleet that lost its broker at
/// once does not come back in lockstep.
public struct RetryBackoff: Hashable, Sendable {
    /// The first delay's ceiling, in milliseconds.
    public let initialMillis: UInt64
    /// The cap, in milliseconds.
    public let maxMillis: UInt64

    /// Creates a backoff; `maxMillis` is at least `initialMillis`.
    public init(initialMillis: UInt64 = 100, maxMillis: UInt64 = 30_000) {
        self.initialMillis = max(1, initialMillis)
        self.maxMillis = max(self.initialMillis, maxMillis)
    }

    /// The delay before retry `attempt` (0 for the first retry).
    public func delayMillis(attempt: Int, using generator: inout some RandomNumberGenerator) -> UInt64 {
        let ceiling = self.ceiling(attempt: attempt)
        let half = ceiling / 2
        return half + UInt64.random(in: 0...(ceiling - half), using: &generator)
    }

    /// The largest delay `attempt` can draw.
    public func ceiling(attempt: Int) -> UInt64 {
        let shift = min(max(attempt, 0), 63)
        let (scaled, overflow) = initialMillis.multipliedReportingOverflow(by: UInt64(1) << UInt64(shift))
        return overflow ? maxMillis : min(scaled, maxMillis)
    }
}
