import FogConsensus
import FogCrypto
@testable import FogNode
import FogP2P
import FogTypes
import FogWire
import Testing

/// Which network events a validator handles in its ordered gossip lane: gossiped envelopes (and
/// proposals, which must follow them); votes and the rest never wait behind them.
@Suite struct ValidatorEventLanesTests {
    static let peer = DevChain.key(40).publicKey.address

    @Test func gossipGoesToTheOrderedLaneAndVotesDoNot() throws {
        let key = DevChain.key(41)
        let vote = try Signed.sign(try Vote(chainID: try ChainID("fog-lanes"), step: .precommit, height: 3, round: 0,
                                            blockID: nil, validator: key.publicKey.address), with: key)
        #expect(ValidatorNodeService.followsGossip(.message(Self.peer, .transactions([[1, 2, 3]]))))
        for message in [WireMessage.vote(vote), .status(latestHeight: 3), .ping(nonce: 1), .noBlock(height: 4)] {
            #expect(!ValidatorNodeService.followsGossip(.message(Self.peer, message)), "\(message.type)")
        }
        #expect(!ValidatorNodeService.followsGossip(.peerDown(Self.peer, reason: "closed")))
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
