import FogConsensus
import FogCore
import FogCrypto
import FogTypes

/// What Byzantine validators send instead of their honest messages. They collude: an equivocating
/// voter votes, to each validator, for the block an equivocating proposer sent that validator.
struct Byzantine {
    private struct Slot: Hashable {
        let height: UInt64
        let round: UInt64
        let recipient: Int
    }

    /// The block a Byzantine proposer sent each validator, per height and round.
    private var shown: [Slot: Hash256] = [:]

    /// The proposal messages `node` sends, per recipient. `build(block, corrupt)` makes another block.
    mutating func proposals(_ proposal: Signed<Proposal>, _ block: Block, from node: SimulatedNode, peers: Int,
                            rng: inout SplitMix64, build: (Block, Bool) -> Block?) -> [(Int, SimulatedMessage)] {
        let everyone = (0..<peers).filter { $0 != node.index }
        let original = SimulatedMessage.proposal(proposal, block)
        switch node.byzantine {
        case nil, .doubleVote:
            return everyone.map { ($0, original) }
        case .silent:
            return []
        case .invalidProposal:
            guard let bad = build(block, true), let message = Self.resign(proposal, block: bad, key: node.key) else { return [] }
            return everyone.map { ($0, message) }
        case .equivocate:
            guard let other = build(block, false), let second = Self.resign(proposal, block: other, key: node.key) else {
                return everyone.map { ($0, original) }
            }
            return everyone.map { peer in
                let odd = peer % 2 == 1
                let slot = Slot(height: proposal.object.height, round: proposal.object.round, recipient: peer)
                shown[slot] = odd ? other.header.blockID : block.header.blockID
                return (peer, odd ? second : original)
            }
        }
    }

    /// The vote messages `node` sends, per recipient.
    mutating func votes(_ vote: Signed<Vote>, from node: SimulatedNode, peers: Int,
                        rng: inout SplitMix64) -> [(Int, SimulatedMessage)] {
        let everyone = (0..<peers).filter { $0 != node.index }
        let original = SimulatedMessage.vote(vote)
        let conflicting = { (value: Hash256?) -> SimulatedMessage? in
            Self.resign(vote, blockID: value, key: node.key).map(SimulatedMessage.vote)
        }
        switch node.byzantine {
        case nil, .invalidProposal:
            return everyone.map { ($0, original) }
        case .silent:
            return []
        case .doubleVote:
            let other = vote.object.blockID == nil ? Self.randomHash(&rng) : nil
            guard let second = conflicting(other) else { return everyone.map { ($0, original) } }
            return everyone.flatMap { [($0, original), ($0, second)] }
        case .equivocate:
            return everyone.compactMap { peer in
                let slot = Slot(height: vote.object.height, round: vote.object.round, recipient: peer)
                if let seen = shown[slot] {
                    return seen == vote.object.blockID ? (peer, original) : conflicting(seen).map { (peer, $0) }
                }
                if peer % 2 == 0 { return (peer, original) }
                return conflicting(vote.object.blockID == nil ? Self.randomHash(&rng) : nil).map { (peer, $0) }
            }
        }
    }

    private static func randomHash(_ rng: inout SplitMix64) -> Hash256 {
        Hash256(words: (rng.next(), rng.next(), rng.next(), rng.next()))
    }

    private static func resign(_ vote: Signed<Vote>, blockID: Hash256?, key: PrivateKey) -> Signed<Vote>? {
        let v = vote.object
        guard let other = try? Vote(chainID: v.chainID, step: v.step, height: v.height, round: v.round, blockID: blockID,
                                    validator: v.validator)
        else { return nil }
        return try? Signed.sign(other, with: key)
    }

    private static func resign(_ proposal: Signed<Proposal>, block: Block, key: PrivateKey) -> SimulatedMessage? {
        let p = proposal.object
        guard let other = try? Proposal(chainID: p.chainID, height: p.height, round: p.round, polRound: p.polRound,
                                        blockID: block.header.blockID, proposer: p.proposer),
              let signed = try? Signed.sign(other, with: key)
        else { return nil }
        return .proposal(signed, block)
    }
}
