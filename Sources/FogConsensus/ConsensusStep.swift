/// Where a validator is within a round (Algorithm 1's step_p), plus the state after a decision.
public enum ConsensusStep: UInt8, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Waiting for the round's proposal.
    case propose
    /// Prevoted.
    case prevote
    /// Precommitted.
    case precommit
    /// Decided; waiting for the application to start the next height.
    case decided

    public static func < (lhs: ConsensusStep, rhs: ConsensusStep) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .propose: return "propose"
        case .prevote: return "prevote"
        case .precommit: return "precommit"
        case .decided: return "decided"
        }
    }
}
