import FogConsensus
import FogTypes

/// What simulated validators send each other.
enum SimulatedMessage {
    /// A proposal with its block.
    case proposal(Signed<Proposal>, Block)
    /// A vote.
    case vote(Signed<Vote>)
    /// "Send me the decided block and commit of this height."
    case syncRequest(height: UInt64)
    /// A decided block with its commit.
    case syncReply(Block, Commit)

    /// The consensus height the message is about, if any.
    var height: UInt64? {
        switch self {
        case .proposal(let signed, _): return signed.object.height
        case .vote(let signed): return signed.object.height
        case .syncRequest, .syncReply: return nil
        }
    }
}
