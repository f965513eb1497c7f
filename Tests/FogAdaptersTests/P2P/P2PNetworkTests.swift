import FogCore
import FogCrypto
import FogP2P
import FogTypes
import FogWire
import Synchronization
import Testing

/// Real nodes on 127.0.0.1 with mutual TLS: connection, every channel, and refusals.
@Suite(.timeLimit(.minutes(1))) struct P2PNetworkTests {
    @Test func threeNodesConnectAndExchangeMessagesOnEveryChannel() async throws {
        let c = try await TestNode(P2PFixtures.configuration(3, allowed: [P2PFixtures.identity(1).nodeID,
                                                                          P2PFixtures.identity(2).nodeID]))
        let b = try await TestNode(P2PFixtures.configuration(2, peers: [c.peer()], allowed: [P2PFixtures.identity(1).nodeID]))
        let a = try await TestNode(P2PFixtures.configuration(1, peers: [b.peer(), c.peer()]))
        try await stopping([a, b, c]) {
            try await eventually(15, "full mesh") {
                a.network.connectedPeers == [b.nodeID, c.nodeID] && b.network.connectedPeers == [a.nodeID, c.nodeID]
                    && c.network.connectedPeers == [a.nodeID, b.nodeID]
            }
            let vote = WireMessage.vote(P2PFixtures.vote(1))
            let gossip = WireMessage.transactions([[0xa0], Array(repeating: 7, count: 3_000)])
            let request = WireMessage.blockRequest(try BlockRange(from: 1, to: 4))
            #expect(try a.network.broadcast(vote) == 2)
            #expect(try a.network.broadcast(gossip) == 2)
            #expect(try a.network.send(.status(latestHeight: 9), to: b.nodeID))
            #expect(try a.network.send(request, to: c.nodeID))
            #expect(try c.network.send(.noBlock(height: 1), to: a.nodeID))
            // Channels are drained by priority (consensus, block sync, mempool), so only the order
            // within a channel is kept; these messages are on different channels.
            try await eventually(15, "every message delivered") {
                Set(b.messages(from: a.nodeID)) == [vote, gossip, .status(latestHeight: 9)]
                    && b.messages(from: a.nodeID).count == 3
                    && Set(c.messages(from: a.nodeID)) == [vote, gossip, request] && c.messages(from: a.nodeID).count == 3
                    && a.messages(from: c.nodeID) == [.noBlock(height: 1)]
            }
            // The handshake told each side the other's listen address and height.
            let announced = a.events.compactMap { event -> Handshake? in
                if case .peerUp(let peer, let handshake) = event, peer == b.nodeID { return handshake }
                return nil
            }
            #expect(announced.first?.listenAddress == "127.0.0.1:\(b.port)")
            // A handshake that a loaded machine delays past its timeout (5 s) is dialled again, and
            // the mesh above formed; any other disconnect is a failure.
            #expect(a.network.stats.disconnects.filter { $0.key != "handshake-timeout" }.isEmpty)
        }
    }

    @Test func aHandlerTakesEveryEventOnTheNetworksEventLoopInsteadOfTheStream() async throws {
        let network = try P2PNetwork(configuration: P2PFixtures.configuration(5, allowed: [P2PFixtures.identity(6).nodeID]),
                                     group: P2PFixtures.group)
        let taken = EventLog()
        let offLoop = Mutex(0)
        network.handleEvents { event in
            if !network.eventLoop.inEventLoop { offLoop.withLock { $0 += 1 } }
            taken.events.withLock { $0.append(event) }
        }
        let streamed = Task { () -> Int in
            var count = 0
            for await _ in network.events { count += 1 }
            return count
        }
        let port = try await network.start()
        let peer = try await TestNode(P2PFixtures.configuration(
            6, peers: [PersistentPeer(host: "127.0.0.1", port: port, nodeID: network.nodeID)]))
        let vote = WireMessage.vote(P2PFixtures.vote(6))
        do {
            try await stopping([peer]) {
                try await eventually(15, "connected") { peer.network.connectedPeers == [network.nodeID] }
                #expect(try peer.network.broadcast(vote) == 1)
                try await eventually(15, "the vote taken") {
                    taken.events.withLock { events in
                        events.contains { if case .message(peer.nodeID, vote) = $0 { true } else { false } }
                    }
                }
            }
        } catch {
            await network.shutdown()
            throw error
        }
        await network.shutdown()
        #expect(await streamed.value == 0, "the stream only finishes")
        #expect(offLoop.withLock { $0 } == 0)
        #expect(taken.events.withLock { $0.first }.map { if case .peerUp = $0 { true } else { false } } == true)
    }

    @Test func aPeerWhoseKeyIsNotTheExpectedNodeIDIsRefused() async throws {
        let b = try await TestNode(P2PFixtures.configuration(2, allowed: [P2PFixtures.identity(1).nodeID]))
        // a dials b's address but expects node 3 there.
        let impostor = PersistentPeer(host: "127.0.0.1", port: b.port, nodeID: P2PFixtures.identity(3).nodeID)
        let a = try await TestNode(P2PFixtures.configuration(1, peers: [impostor]))
        try await stopping([a, b]) {
            try await eventually(15, "refusal") { a.network.stats.refused["unexpected-node-id", default: 0] >= 1 }
            #expect(a.network.connectedPeers.isEmpty)
            #expect(b.network.connectedPeers.isEmpty)
        }
    }

    @Test func anUnknownInboundPeerIsRefused() async throws {
        let b = try await TestNode(P2PFixtures.configuration(2))
        let a = try await TestNode(P2PFixtures.configuration(1, peers: [b.peer()]))
        try await stopping([a, b]) {
            try await eventually(15, "refusal") { b.network.stats.refused["unknown-peer", default: 0] >= 1 }
            #expect(a.network.connectedPeers.isEmpty)
            #expect(b.network.connectedPeers.isEmpty)
            #expect(a.peerUps(b.nodeID) == 0)
        }
    }

    @Test(arguments: [("fogledger-other", "p2p genesis"), ("fogledger-p2p-test", "another genesis")])
    func aPeerOnAnotherChainOrGenesisIsRefused(chain: String, genesis: String) async throws {
        let b = try await TestNode(P2PFixtures.configuration(2, allowed: [P2PFixtures.identity(1).nodeID],
                                                             chain: try ChainID(chain),
                                                             genesis: SHA256Hasher.hash(Array(genesis.utf8))))
        let a = try await TestNode(P2PFixtures.configuration(1, peers: [b.peer()]))
        try await stopping([a, b]) {
            // The accepting side always reads the dialler's handshake and refuses it; the dialler
            // refuses b's handshake too when it arrives before b's close, else sees the close.
            try await eventually(15, "refusal") {
                b.network.stats.refused["wrong-chain", default: 0] >= 1 && a.network.stats.refused.values.reduce(0, +) >= 1
            }
            #expect(a.peerUps(b.nodeID) == 0)
            #expect(a.network.connectedPeers.isEmpty)
            #expect(b.network.connectedPeers.isEmpty)
        }
    }

    @Test func aRestartedPeerIsRedialledWithBackoff() async throws {
        var b = try await TestNode(P2PFixtures.configuration(2, allowed: [P2PFixtures.identity(1).nodeID]))
        let port = b.port
        let a = try await TestNode(P2PFixtures.configuration(1, peers: [b.peer()]))
        try await eventually(15, "first connection") { a.network.connectedPeers == [b.nodeID] }
        await b.stop()
        try await eventually(15, "peer down") { a.network.connectedPeers.isEmpty }
        // Some dials fail while b is away; then b comes back on the same port.
        try await eventually(15, "failed redials") { a.network.stats.refused["dial-failed", default: 0] >= 2 }
        b = try await TestNode(P2PFixtures.configuration(2, port: port, allowed: [P2PFixtures.identity(1).nodeID]))
        try await eventually(15, "reconnection") { a.network.connectedPeers == [b.nodeID] }
        try await eventually(15, "second peer-up event") { a.peerUps(b.nodeID) == 2 }
        #expect(try a.network.send(.status(latestHeight: 3), to: b.nodeID))
        try await eventually(15, "message after reconnection") { b.messages(from: a.nodeID) == [.status(latestHeight: 3)] }
        await a.stop()
        await b.stop()
    }

    @Test func twoNodesDiallingEachOtherKeepOneConnection() async throws {
        // Both list the other as a persistent peer; b's port is known only once it listens, so a
        // listens on a fixed free port taken from a first, short-lived network.
        let probe = try await TestNode(P2PFixtures.configuration(1))
        let portA = probe.port
        await probe.stop()
        let b = try await TestNode(P2PFixtures.configuration(
            2, peers: [PersistentPeer(host: "127.0.0.1", port: portA, nodeID: P2PFixtures.identity(1).nodeID)]))
        let a = try await TestNode(P2PFixtures.configuration(1, port: portA, peers: [b.peer()]))
        try await stopping([a, b]) {
            try await eventually(15, "connected") {
                a.network.connectedPeers == [b.nodeID] && b.network.connectedPeers == [a.nodeID]
            }
            try await Task.sleep(for: .milliseconds(500))
            // Whichever duplicate appeared was closed on both sides; the survivor stays and carries messages.
            #expect(a.network.connectedPeers == [b.nodeID] && b.network.connectedPeers == [a.nodeID])
            #expect(try a.network.send(.status(latestHeight: 1), to: b.nodeID))
            #expect(try b.network.send(.status(latestHeight: 2), to: a.nodeID))
            try await eventually(15, "messages both ways") {
                b.messages(from: a.nodeID) == [.status(latestHeight: 1)] && a.messages(from: b.nodeID) == [.status(latestHeight: 2)]
            }
        }
    }

    @Test func shutdownClosesEveryConnectionAndEndsTheEvents() async throws {
        let b = try await TestNode(P2PFixtures.configuration(2, allowed: [P2PFixtures.identity(1).nodeID]))
        let a = try await TestNode(P2PFixtures.configuration(1, peers: [b.peer()]))
        try await eventually(15, "connection") { b.network.connectedPeers == [a.nodeID] }
        await a.stop()
        try await eventually(15, "b sees a leave") { b.network.connectedPeers.isEmpty }
        #expect(a.network.connectedPeers.isEmpty)
        #expect(try !a.network.send(.status(latestHeight: 1), to: b.nodeID))
        await b.stop()
    }
}

/// Runs `body`, then shuts every node down, also when `body` throws.
func stopping(_ nodes: [TestNode], _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        for node in nodes { await node.stop() }
        throw error
    }
    for node in nodes { await node.stop() }
}
