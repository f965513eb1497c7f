public import FogCrypto
public import FogWire
public import Logging
public import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// The node's peer-to-peer network: a TLS 1.3 listener for allowed peers, persistent peers dialled
/// and redialled with backoff, per-peer bounded send queues, and one stream of events.
///
/// ```swift
/// let network = try P2PNetwork(configuration: configuration)
/// let port = try await network.start()
/// for await event in network.events { … }
/// network.broadcast(.vote(signedVote))
/// await network.shutdown()
/// ```
public final class P2PNetwork: Sendable {
    private struct Lifecycle {
        var server: (any Channel)?
        var dialers: [PeerDialer] = []
        var listenAddress: String?
        var stopped = false
    }

    /// Every peer up/down, message and refused connection, in order per peer, unless
    /// ``handleEvents(with:)`` takes them instead. Finishes on shutdown.
    public let events: AsyncStream<P2PEvent>
    /// This node's id.
    public var nodeID: Address { configuration.identity.nodeID }

    private let configuration: P2PConfiguration
    private let latestHeight: @Sendable () -> UInt64
    /// The event loop every connection runs on, and so the thread that reads and writes them all. An
    /// actor that handles ``events`` can take it as its executor (`EventLoop.executor`): a message is
    /// then handled, and the answers sent, on the thread that read it, without waking another thread.
    public let eventLoop: any EventLoop
    private let table: PeerTable
    private let serverTLS: PeerTLS
    private let clientTLS: PeerTLS
    private let lifecycle = Mutex(Lifecycle())

    /// Creates the network; nothing is opened until `start()`.
    ///
    /// - Parameters:
    ///   - latestHeight: this node's latest committed height, read for each handshake.
    ///   - group: the group whose next event loop every connection runs on (``eventLoop``); NIO's
    ///     shared singleton group when nil.
    public init(configuration: P2PConfiguration, latestHeight: @escaping @Sendable () -> UInt64 = { 0 },
                group: (any EventLoopGroup)? = nil,
                logger: Logger = Logger(label: "fogledger.p2p")) throws(P2PError) {
        self.configuration = configuration
        self.latestHeight = latestHeight
        self.eventLoop = (group ?? MultiThreadedEventLoopGroup.singleton).next()
        let (events, continuation) = AsyncStream.makeStream(of: P2PEvent.self)
        self.events = events
        var logger = logger
        logger[metadataKey: "node"] = "\(configuration.identity.nodeID)"
        table = PeerTable(localID: configuration.identity.nodeID, continuation: continuation, logger: logger)
        do {
            serverTLS = try PeerTLS(identity: configuration.identity, server: true)
            clientTLS = try PeerTLS(identity: configuration.identity, server: false)
        } catch {
            throw P2PError(.transport, "cannot set up TLS: \(error)")
        }
    }

    /// Hands every event from now on to `handler` instead of ``events``, on ``eventLoop`` as it
    /// happens, in order. Set it before ``start()`` so that no event goes to the stream. A consumer
    /// whose executor is ``eventLoop`` handles each event there without waking another thread (the
    /// stream's iterator resumed on the cooperative pool, which then hopped back to the consumer).
    public func handleEvents(with handler: @escaping @Sendable (P2PEvent) -> Void) {
        table.handleEvents(with: handler)
    }

    // MARK: Lifecycle

    /// Starts listening and dialling the persistent peers. Returns the port listened on.
    public func start() async throws -> Int {
        let allowed = configuration.inboundAllowed
        let bootstrap = ServerBootstrap(group: eventLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: Self.waterMark)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let verified = VerifiedPeer()
                    try self.addHandlers(to: channel, tls: self.serverTLS.serverHandler(allowed: allowed, verified: verified),
                                         verified: verified, outbound: false, outcome: ConnectionOutcome())
                }
            }
        let server = try await bootstrap.bind(host: configuration.listenHost, port: configuration.listenPort).get()
        let port = server.localAddress?.port ?? configuration.listenPort
        let dialers = configuration.persistentPeers.map { peer in
            PeerDialer(peer: peer, backoff: configuration.backoff,
                       seed: configuration.backoffSeed ^ peer.nodeID.bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) },
                       eventLoop: eventLoop,
                       dial: { [self] peer, outcome in self.dial(peer, outcome: outcome) },
                       existing: { [table] in table.session(for: peer.nodeID)?.channel },
                       dialFailed: { [table] error in
                           table.dialFailed(remote: "\(peer.host):\(peer.port)", reason: "dial-failed", detail: "\(error)")
                       })
        }
        lifecycle.withLock { state in
            state.server = server
            state.listenAddress = "\(configuration.listenHost):\(port)"
            state.dialers = dialers
        }
        dialers.forEach { $0.start() }
        return port
    }

    /// Stops dialling, closes the listener and every connection, and finishes `events`.
    public func shutdown() async {
        let (server, dialers, alreadyStopped) = lifecycle.withLock { state in
            defer { state.stopped = true }
            return (state.server, state.dialers, state.stopped)
        }
        guard !alreadyStopped else { return }
        dialers.forEach { $0.stop() }
        try? await server?.close()
        for channel in table.stop() {
            try? await channel.close()
        }
        table.finishEvents()
    }

    // MARK: Sending

    /// Sends `message` to one established peer; false if that peer is not connected. A message too
    /// large for one frame is `frame-too-large`.
    @discardableResult
    public func send(_ message: WireMessage, to peer: Address) throws(WireError) -> Bool {
        guard let session = table.session(for: peer) else { return false }
        session.send(ByteBuffer(bytes: try message.frame), type: message.type)
        return true
    }

    /// Sends `message` to every established peer, encoding it once; returns how many peers.
    @discardableResult
    public func broadcast(_ message: WireMessage) throws(WireError) -> Int {
        let sessions = table.sessions
        guard !sessions.isEmpty else { return 0 }
        let frame = ByteBuffer(bytes: try message.frame)
        for session in sessions { session.send(frame, type: message.type) }
        return sessions.count
    }

    /// The peers with an established connection.
    public var connectedPeers: Set<Address> { Set(table.sessions.map(\.nodeID)) }

    /// Counts of disconnects, refusals and dropped messages so far.
    public var stats: P2PStats { table.stats }

    // MARK: Connections

    /// Write buffer bounds of a connection: above the high mark, frames wait in the send queues.
    private static let waterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 256 * 1024, high: 1024 * 1024)

    private func addHandlers(to channel: any Channel, tls: some ChannelHandler, verified: VerifiedPeer,
                             outbound: Bool, outcome: ConnectionOutcome) throws {
        guard table.opened(channel) else { throw P2PError(.notRunning, "the network is shutting down") }
        let listenAddress = lifecycle.withLock { $0.listenAddress } ?? "\(configuration.listenHost):0"
        let local = try Handshake(chainID: configuration.chainID, genesisHash: configuration.genesisHash,
                                  nodeID: configuration.identity.nodeID, latestHeight: latestHeight(),
                                  listenAddress: listenAddress)
        let ping = TimeAmount.milliseconds(configuration.pingIntervalMilliseconds)
        try channel.pipeline.syncOperations.addHandlers([
            tls,
            ByteToMessageHandler(FrameDecoder()),
            IdleStateHandler(readTimeout: ping),
            PeerConnectionHandler(local: local, verified: verified, outbound: outbound, table: table, outcome: outcome,
                                  limits: configuration.queueLimits,
                                  handshakeTimeout: .milliseconds(configuration.handshakeTimeoutMilliseconds)),
        ])
    }

    /// Opens a connection to `peer`, checked against its expected node id.
    private func dial(_ peer: PersistentPeer, outcome: ConnectionOutcome) -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.milliseconds(configuration.connectTimeoutMilliseconds))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelOption(.writeBufferWaterMark, value: Self.waterMark)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let verified = VerifiedPeer()
                    try self.addHandlers(to: channel,
                                         tls: self.clientTLS.clientHandler(expected: peer.nodeID, verified: verified),
                                         verified: verified, outbound: true, outcome: outcome)
                }
            }
            .connect(host: peer.host, port: peer.port)
    }
}
