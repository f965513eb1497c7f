/// Bounds on what the consensus machine keeps for messages from the network.
public enum ConsensusLimits {
    /// Votes and proposals for rounds more than this far above the current round are dropped:
    /// a Byzantine validator cannot make the machine keep votes for unbounded rounds.
    public static let maxRoundsAhead: UInt64 = 16
    /// Messages for the next height held until it starts.
    public static let maxNextHeightMessages = 4_096
    /// Distinct blocks kept per height (proposed ones; a Byzantine proposer can propose several).
    public static let maxBlocksPerHeight = 64
}
