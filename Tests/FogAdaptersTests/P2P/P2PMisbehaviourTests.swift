import FogCore
import FogCrypto
import FogP2P
import FogTestSupport
import FogTypes
import FogWire
import Testing

/// Authenticated peers that send garbage, oversized frames, or stop reading: each is disconnected
/// for its own reason while the node keeps serving its other peers.
@Suite(.heavy, .timeLimit(.minutes(1))) struct P2PMisbehaviourTests {
    static let rawTags: [UInt8] = [10, 11, 12]

    private func node(limits: SendQueueLimits = SendQueueLimits()) async throws -> TestNode {
        let allowed = Set(([1] + Self.rawTags).map { P2PFixtures.identity($0).nodeID })
        return try await TestNode(P2PFixtures.configuration(2, allowed: allowed, limits: limits, pingMilliseconds: 20_000))
    }

    @Test(arguments: [
        ("garbage", [UInt8](repeating: 0xff, count: 3) + Array("not a frame at all".utf8), "frame-too-large"),
        ("unknown type", [0, 0, 0, 2, 0x7e, 0xa0], "unknown-message-type"),
        ("bad body", [0, 0, 0, 3, 0x02, 0x61, 0x78], "malformed"),
        ("oversize", [0x00, 0x60, 0x00, 0x01], "frame-too-large"),
        ("second handshake", [], "protocol-violation"),
    ])
    func aPeerSendingGarbageIsDisconnectedAndOthersAreServed(name: String, bytes: [UInt8], reason: String) async throws {
        let b = try await node()
        let a = try await TestNode(P2PFixtures.configuration(1, peers: [b.peer()]))
        let raw = try await RawPeer(tag: Self.rawTags[0], port: b.port)
        try await stopping([a, b]) {
            try await raw.sendHandshake()
            try await eventually(15, "raw peer up") { b.network.connectedPeers.contains(raw.identity.nodeID) }
            if bytes.isEmpty {
                try await raw.sendHandshake()
            } else {
                try await raw.write(bytes)
            }
            #expect(await raw.closedByNode(within: 15), "\(name) did not close the connection")
            try await eventually(15, "disconnect counted") { b.network.stats.disconnects[reason, default: 0] == 1 }
            #expect(!b.network.connectedPeers.contains(raw.identity.nodeID))
            // The well-behaved peer is still served.
            try await eventually(15, "good peer connected") { a.network.connectedPeers == [b.nodeID] }
            #expect(try a.network.send(.status(latestHeight: 5), to: b.nodeID))
            try await eventually(15, "good peer served") { b.messages(from: a.nodeID) == [.status(latestHeight: 5)] }
        }
        await raw.close()
    }

    @Test func anOversizedFrameIsRefusedBeforeItsBodyArrives() async throws {
        let b = try await node()
        let raw = try await RawPeer(tag: Self.rawTags[1], port: b.port)
        try await stopping([b]) {
            try await raw.sendHandshake()
            try await eventually(15, "raw peer up") { b.network.connectedPeers.contains(raw.identity.nodeID) }
            let length = UInt32(WireLimits.maxFrameBytes + 1)
            try await raw.write([UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff),
                                 UInt8(length & 0xff), 0x02])
            // Only the header and one byte were sent: the node refuses without waiting for 6 MiB.
            #expect(await raw.closedByNode(within: 15))
            try await eventually(15, "disconnect counted") { b.network.stats.disconnects["frame-too-large"] == 1 }
        }
        await raw.close()
    }

    @Test func aMessageBeforeTheHandshakeIsRefused() async throws {
        let b = try await node()
        let raw = try await RawPeer(tag: Self.rawTags[2], port: b.port)
        try await stopping([b]) {
            try await raw.write(try WireMessage.status(latestHeight: 1).frame)
            #expect(await raw.closedByNode(within: 15))
            try await eventually(15, "refusal counted") { b.network.stats.refused["protocol-violation"] == 1 }
            #expect(b.network.connectedPeers.isEmpty)
        }
        await raw.close()
    }

    @Test func aSlowReaderLosesOldGossipThenIsDisconnectedWhenConsensusBacksUp() async throws {
        let b = try await node(limits: SendQueueLimits(consensus: 16, mempool: 4, blockSync: 4, control: 8))
        let raw = try await RawPeer(tag: Self.rawTags[0], port: b.port)
        try await stopping([b]) {
            try await raw.sendHandshake()
            try await eventually(15, "raw peer up") { b.network.connectedPeers.contains(raw.identity.nodeID) }
            try await raw.stopReading()
            // Six 3 MiB proposals, one at a time, fill the socket buffers and the write buffer
            // (about 11 MiB on Linux loopback); whatever does not fit waits in the consensus queue.
            let proposal = try Self.largeProposal()
            for _ in 0..<6 {
                try b.network.send(proposal, to: raw.identity.nodeID)
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(300))
            // Gossip is best effort: with nothing leaving, the 4-slot mempool queue drops the oldest.
            for index in 0..<8 { try b.network.send(.transactions([[UInt8(index)]]), to: raw.identity.nodeID) }
            try await eventually(15, "gossip dropped") { b.network.stats.mempoolDropped == 4 }
            #expect(b.network.connectedPeers.contains(raw.identity.nodeID), "gossip overflow must not disconnect")
            // Consensus messages are never dropped: once 16 wait, the peer is cut off.
            let vote = WireMessage.vote(P2PFixtures.vote(2))
            for _ in 0..<17 { try b.network.send(vote, to: raw.identity.nodeID) }
            try await eventually(15, "slow peer disconnected") {
                b.network.stats.disconnects["consensus-queue-full"] == 1 && b.network.connectedPeers.isEmpty
            }
        }
        await raw.close()
    }

    /// A signed proposal with a block of three 1 MiB transactions.
    static func largeProposal() throws -> WireMessage {
        let key = P2PFixtures.key(2)
        let hash = SHA256Hasher.hash([2])
        let header = try BlockHeader(chainID: P2PFixtures.chain, height: 1, timeMillis: 1_700_000_000_000,
                                     previousBlockID: .zero, lastCommitHash: .zero, transactionsRoot: hash,
                                     readingsRoot: hash, stateRoot: hash, validatorsHash: hash, nextValidatorsHash: hash,
                                     proposer: key.publicKey.address)
        let transactions = (1...3).map { [UInt8](repeating: $0, count: ObjectLimits.maxEnvelopeBytes - 16) }
        let block = try Block(header: header, transactions: transactions, lastCommit: nil)
        let proposal = try Proposal(chainID: P2PFixtures.chain, height: 1, round: 0, polRound: -1,
                                    blockID: header.hash, proposer: key.publicKey.address)
        return .proposal(try BlockProposal(proposal: try Signed.sign(proposal, with: key), block: block))
    }
}
