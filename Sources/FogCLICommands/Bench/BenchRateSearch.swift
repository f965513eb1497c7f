/// How the network benchmark chooses its offered rates: doubling from the start rate while the
/// network keeps up (halving while it has kept up with none), then halving the interval between the
/// highest rate kept up and the lowest rate missed, until that interval is within a twentieth of the
/// lower rate.
///
/// The maximum sustained rate is the highest committed rate of a step that kept up. When no step
/// kept up (the steps ran out first), it is what the first step committed (at most its offered rate).
struct BenchRateSearch {
    private var rate: Double?
    private var highestKeptUp: Double?
    private var lowestMissed: Double?
    private var bestCommitted = 0.0
    private var firstCommitted: Double?

    /// A search from `startRate` envelopes/s.
    init(startRate: Double) {
        rate = max(1, startRate)
    }

    /// The rate of the next step, or `nil` when the search has converged.
    var nextRate: Double? { rate }

    /// Notes the outcome of the step at ``nextRate`` and chooses the next rate.
    mutating func record(_ step: BenchStep, keptUp: Bool) {
        guard let offered = rate else { return }
        if firstCommitted == nil { firstCommitted = min(step.committed, step.offered) }
        if keptUp {
            bestCommitted = max(bestCommitted, step.committed)
            highestKeptUp = max(highestKeptUp ?? 0, offered)
        } else {
            lowestMissed = min(lowestMissed ?? .infinity, offered)
        }
        switch (highestKeptUp, lowestMissed) {
        case (let low?, nil):
            rate = low * 2
        case (nil, let high?) where high >= 2:
            rate = (high / 2).rounded()
        case (let low?, let high?) where high - low > low / 20:
            rate = ((low + high) / 2).rounded()
        default:
            rate = nil
        }
    }

    /// The highest committed rate of a step that kept up, or the first step's committed rate when
    /// none did.
    var maxSustained: Double {
        highestKeptUp == nil ? (firstCommitted ?? 0) : bestCommitted
    }
}
