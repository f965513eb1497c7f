import FogConsensus
import FogCrypto
@testable import FogNode
import FogP2P
import FogTypes
import FogWire
import Testing

/// Which network events a validator handles in its ordered gossip lane: gossiped envelopes (and a
/// proposal while the lane holds anything, which must follow them); votes and the rest never wait
/// behind them.
@Suite struct ValidatorEventLanesTests {
    static let peer = DevChain.key(40).publicKey.address

    @Test func gossipGoesToTheOrderedLaneAndVotesDoNot() throws {
        let key = DevChain.key(41)
        let vote = try Signed.sign(try Vote(chainID: try ChainID("fog-lanes"), step: .precommit, height: 3, round: 0,
                                            blockID: nil, validator: key.publicKey.address), with: key)
        for idle in [true, false] {
            #expect(ValidatorNode.followsGossip(.message(Self.peer, .transactions([[1, 2, 3]])), laneIdle: idle))
            for message in [WireMessage.vote(vote), .status(latestHeight: 3), .ping(nonce: 1), .noBlock(height: 4)] {
                #expect(!ValidatorNode.followsGossip(.message(Self.peer, message), laneIdle: idle), "\(message.type)")
            }
            #expect(!ValidatorNode.followsGossip(.peerDown(Self.peer, reason: "closed"), laneIdle: idle))
        }
    }

    @Test func aProposalFollowsGossipOnlyWhileTheLaneHoldsSome() throws {
        let key = DevChain.key(41)
        let chain = try ChainID("fog-lanes")
        let hash = SHA256Hasher.hash([7])
        let header = try BlockHeader(chainID: chain, height: 1, timeMillis: 1_700_000_000_000, previousBlockID: .zero,
                                     lastCommitHash: .zero, transactionsRoot: hash, readingsRoot: hash, stateRoot: hash,
                                     validatorsHash: hash, nextValidatorsHash: hash, proposer: key.publicKey.address)
        let block = try Block(header: header, transactions: [], lastCommit: nil)
        let proposal = try Signed.sign(try Proposal(chainID: chain, height: 1, round: 0, polRound: -1, blockID: header.hash,
                                                    proposer: key.publicKey.address), with: key)
        let event = P2PEvent.message(Self.peer, .proposal(try BlockProposal(proposal: proposal, block: block)))
        #expect(!ValidatorNode.followsGossip(event, laneIdle: true))
        #expect(ValidatorNode.followsGossip(event, laneIdle: false))

        let backlog = GossipBacklog(limit: 10)
        #expect(backlog.isIdle)
        #expect(backlog.admits(Self.gossip(3)))
        #expect(backlog.admits(event))
        #expect(!backlog.isIdle)
        backlog.done(with: Self.gossip(3))
        #expect(!backlog.isIdle, "the proposal still waits in the lane")
        backlog.done(with: event)
        #expect(backlog.isIdle)
    }

    private static func gossip(_ count: Int) -> P2PEvent {
        .message(peer, .transactions(Array(repeating: [1, 2, 3], count: count)))
    }

    @Test func theLaneHoldsAtMostTheLimitOfGossipedEnvelopes() {
        let backlog = GossipBacklog(limit: 100)
        #expect(backlog.admits(Self.gossip(60)))
        #expect(backlog.admits(Self.gossip(40)))
        #expect(!backlog.admits(Self.gossip(1)), "the 101st envelope is dropped")
        #expect(backlog.admits(.peerDown(Self.peer, reason: "closed")), "other events always pass")
        #expect(backlog.count == 100)
        backlog.done(with: Self.gossip(60))
        #expect(backlog.count == 40)
        #expect(backlog.admits(Self.gossip(60)))
        #expect(!backlog.admits(Self.gossip(1)))
    }

    @Test func anEmptyLaneTakesAMessageLargerThanTheLimit() {
        let backlog = GossipBacklog(limit: 10)
        #expect(backlog.admits(Self.gossip(50)))
        #expect(!backlog.admits(Self.gossip(1)))
        backlog.done(with: Self.gossip(50))
        #expect(backlog.count == 0)
    }
}
