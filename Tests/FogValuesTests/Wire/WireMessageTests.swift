import FogCore
import FogCrypto
import FogTypes
import FogWire
import Testing

@Suite struct WireMessageTests {
    @Test func everyMessageRoundTripsThroughItsFrame() throws {
        let messages = try WireFixtures.all()
        #expect(Set(messages.map(\.type)) == Set(WireMessageType.allCases))
        for message in messages {
            let frame = try message.frame
            let decoded = try WireFrame.decode(frame)
            #expect(decoded == message)
            #expect(try decoded.frame == frame)
            #expect(try WireFrame.bodyLength(header: frame.prefix(4)) == frame.count - 4)
        }
    }

    @Test func channelsFollowTheTypeByte() {
        #expect(WireMessageType.handshake.channel == .control)
        #expect(WireMessageType.pong.channel == .control)
        #expect(WireMessageType.proposal.channel == .consensus)
        #expect(WireMessageType.vote.channel == .consensus)
        #expect(WireMessageType.transactions.channel == .mempool)
        #expect(WireMessageType.blockRequest.channel == .blockSync)
        #expect(WireMessageType.noBlock.channel == .blockSync)
    }

    @Test func aVoteFrameIsSmall() throws {
        // The vote message is the hot path of consensus: a frame of a couple hundred bytes at most.
        #expect(try WireMessage.vote(try WireFixtures.vote()).frame.count < 200)
    }

    @Test func handshakeAcceptanceChecksVersionChainGenesisAndNodeID() throws {
        let local = try WireFixtures.handshake()
        let node = WireFixtures.nodeKey.publicKey.address
        let other = Fixtures.signer(.ed25519, 1).publicKey.address
        try local.accept(try WireFixtures.handshake(), certifiedNodeID: node)
        func code(_ peer: Handshake, _ certified: Address = node) -> WireError.Code? {
            do {
                try local.accept(peer, certifiedNodeID: certified)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code(try WireFixtures.handshake(version: 2)) == .versionMismatch)
        #expect(code(try WireFixtures.handshake(chain: Fixtures.otherChain)) == .wrongChain)
        #expect(code(try WireFixtures.handshake(genesis: Fixtures.hashB)) == .wrongChain)
        #expect(code(try WireFixtures.handshake(), other) == .wrongNodeID)
    }

    @Test func pairedObjectsMustMatch() throws {
        let committed = try WireFixtures.committedBlock()
        let proposal = try WireFixtures.blockProposal()
        let otherBlock = try Block(header: try Fixtures.header(height: 1), transactions: [], lastCommit: nil)
        #expect(throws: WireError.self) { try BlockProposal(proposal: proposal.proposal, block: otherBlock) }
        #expect(throws: WireError.self) { try CommittedBlock(block: otherBlock, commit: committed.commit) }
        #expect(throws: WireError.self) { try BlockRange(from: 0, to: 1) }
        #expect(throws: WireError.self) { try BlockRange(from: 5, to: 4) }
        #expect(throws: WireError.self) { try BlockRange(from: 1, to: UInt64(WireLimits.maxBlocksPerRequest) + 1) }
        _ = try BlockRange(from: 1, to: UInt64(WireLimits.maxBlocksPerRequest))
    }
}
