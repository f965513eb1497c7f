import Logging

/// When each step of the height being decided happened at this validator, reported (at debug level)
/// once the height is committed: where a height's time goes — waiting for the proposal, checking its
/// block, waiting for the prevote and precommit quorums, writing the block, re-checking the mempool —
/// and how much of it the WAL's syncs took (a slow disk shows there first).
struct HeightTimings {
    /// The steps, in the order a height normally goes through them.
    enum Step: Int, CaseIterable, CustomStringConvertible {
        /// The node's proposal was sent, or a peer's proposal with its block arrived.
        case proposal
        /// The proposed block was checked (executed) or built.
        case blockReady
        /// This node sent its prevote.
        case prevote
        /// This node sent its precommit.
        case precommit
        /// More than 2/3 precommitted a block.
        case decided
        /// The block and its commit are in the store.
        case stored
        /// The mempool was re-checked on the new state.
        case rechecked

        var description: String {
            switch self {
            case .proposal: "proposal"
            case .blockReady: "block-ready"
            case .prevote: "prevote"
            case .precommit: "precommit"
            case .decided: "decided"
            case .stored: "stored"
            case .rechecked: "rechecked"
            }
        }
    }

    private var started: ContinuousClock.Instant?
    private var marks: [ContinuousClock.Instant?] = Array(repeating: nil, count: Step.allCases.count)
    /// How long the height waited to start after the previous one was re-checked.
    private var waited: Duration?
    /// The time spent syncing the WAL during the height (the disk's share of the steps above).
    private var walSync: Duration = .zero

    /// Starts timing a new height.
    mutating func start(at now: ContinuousClock.Instant = .now) {
        waited = marks[Step.rechecked.rawValue].map { now - $0 }
        started = now
        marks = Array(repeating: nil, count: Step.allCases.count)
        walSync = .zero
    }

    /// Adds a WAL sync's duration to the height's.
    mutating func addWALSync(_ duration: Duration) {
        walSync += duration
    }

    /// Notes `step` (its first time only: re-sent messages do not move it).
    mutating func mark(_ step: Step, at now: ContinuousClock.Instant = .now) {
        guard started != nil, marks[step.rawValue] == nil else { return }
        marks[step.rawValue] = now
    }

    /// Each noted step's milliseconds since the height started, as log metadata.
    var metadata: Logger.Metadata {
        guard let started else { return [:] }
        var metadata: Logger.Metadata = [:]
        if let waited { metadata["waited-ms"] = Self.millis(waited) }
        metadata["wal-sync-ms"] = Self.millis(walSync)
        for step in Step.allCases {
            guard let mark = marks[step.rawValue] else { continue }
            metadata["\(step)-ms"] = Self.millis(mark - started)
        }
        return metadata
    }

    private static func millis(_ duration: Duration) -> Logger.MetadataValue {
        let millis = Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
        return "\((millis * 10).rounded() / 10)"
    }
}
