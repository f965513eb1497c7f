import FogCore
import FogCrypto
import FogP2P
import FogTypes
import FogWire
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Fixed node keys, chain and genesis for the P2P tests.
enum P2PFixtures {
    static let chain = try! ChainID("fogledger-p2p-test")
    static let genesis = SHA256Hasher.hash(Array("p2p genesis".utf8))
    /// The event loops of every test node: their own, so that work of other suites on NIO's shared
    /// loops cannot delay them. Lives as long as the test process.
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    static func key(_ tag: UInt8) -> PrivateKey {
        try! PrivateKey(algorithm: .ed25519, seed: [tag] + (1...31).map { UInt8($0) })
    }

    static func identity(_ tag: UInt8) -> NodeIdentity { try! NodeIdentity(privateKey: key(tag)) }

    static func configuration(_ tag: UInt8, port: Int = 0, peers: [PersistentPeer] = [], allowed: Set<Address> = [],
                              chain: ChainID = chain, genesis: Hash256 = genesis,
                              limits: SendQueueLimits = SendQueueLimits(), pingMilliseconds: Int64 = 2_000)
        -> P2PConfiguration {
        P2PConfiguration(identity: identity(tag), chainID: chain, genesisHash: genesis, listenPort: port,
                         persistentPeers: peers, allowedPeers: allowed, queueLimits: limits,
                         backoff: ReconnectBackoff(initialMilliseconds: 50, maximumMilliseconds: 400),
                         backoffSeed: UInt64(tag), pingIntervalMilliseconds: pingMilliseconds,
                         handshakeTimeoutMilliseconds: 2_000)
    }

    static func vote(_ tag: UInt8, height: UInt64 = 1) -> Signed<Vote> {
        let key = key(tag)
        let vote = try! Vote(chainID: chain, step: .prevote, height: height, round: 0,
                             blockID: SHA256Hasher.hash([tag]), validator: key.publicKey.address)
        return try! Signed.sign(vote, with: key)
    }
}

/// A started network and everything it reported.
final class TestNode: Sendable {
    let network: P2PNetwork
    let port: Int
    private let received = EventLog()
    private let consumer: Task<Void, Never>

    var nodeID: Address { network.nodeID }

    init(_ configuration: P2PConfiguration, onMessage: (@Sendable (P2PNetwork, Address, WireMessage) -> Void)? = nil)
        async throws {
        let network = try P2PNetwork(configuration: configuration, group: P2PFixtures.group)
        self.network = network
        port = try await network.start()
        let received = self.received
        consumer = Task {
            for await event in network.events {
                if case .message(let peer, let message) = event, let onMessage {
                    onMessage(network, peer, message)
                }
                received.events.withLock { $0.append(event) }
            }
        }
    }

    func peer(host: String = "127.0.0.1") -> PersistentPeer { PersistentPeer(host: host, port: port, nodeID: nodeID) }

    var events: [P2PEvent] { received.events.withLock { $0 } }

    /// Messages received from `peer`.
    func messages(from peer: Address) -> [WireMessage] {
        events.compactMap { event in
            if case .message(peer, let message) = event { return message }
            return nil
        }
    }

    func peerUps(_ peer: Address) -> Int {
        events.filter { if case .peerUp(peer, _) = $0 { return true } else { return false } }.count
    }

    func stop() async {
        await network.shutdown()
        await consumer.value
    }
}

/// Every event a node reported, in order.
final class EventLog: Sendable {
    let events = Mutex<[P2PEvent]>([])
}

/// A hand-driven peer for misbehaviour tests: a real TLS 1.3 client with its own node key that
/// accepts any server certificate, then writes whatever bytes a test gives it.
final class RawPeer: Sendable {
    let channel: any Channel
    let identity: NodeIdentity

    init(tag: UInt8, port: Int) async throws {
        identity = P2PFixtures.identity(tag)
        let pkcs8: [UInt8] = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
                              0x04, 0x20] + identity.privateKey.seed
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateChain = [.certificate(try NIOSSLCertificate(bytes: identity.certificateDER, format: .der))]
        configuration.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: pkcs8, format: .der))
        configuration.minimumTLSVersion = .tlsv13
        configuration.signingSignatureAlgorithms = [.ed25519]
        configuration.verifySignatureAlgorithms = [.ed25519]
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        channel = try await ClientBootstrap(group: P2PFixtures.group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
    }

    /// Sends a valid handshake for this peer's key.
    func sendHandshake(chain: ChainID = P2PFixtures.chain, genesis: Hash256 = P2PFixtures.genesis) async throws {
        let handshake = try Handshake(chainID: chain, genesisHash: genesis, nodeID: identity.nodeID, latestHeight: 0,
                                      listenAddress: "127.0.0.1:1")
        try await write(WireMessage.handshake(handshake).frame)
    }

    func write(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// Stops reading from the socket, as a peer that cannot keep up would.
    func stopReading() async throws {
        try await channel.setOption(.autoRead, value: false).get()
    }

    /// Whether the node closed the connection, within `seconds`.
    func closedByNode(within seconds: Double) async -> Bool {
        (try? await withTimeout(seconds, "close") { [channel] in try await channel.closeFuture.get() }) != nil
    }

    func close() async {
        try? await channel.close()
    }
}
