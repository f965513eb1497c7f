public import FogCrypto
public import FogTypes

/// A peer this node keeps a connection to: where it listens and which node id its certificate must prove.
public struct PersistentPeer: Hashable, Sendable, CustomStringConvertible {
    /// Host name or IP address.
    public var host: String
    /// TCP port.
    public var port: Int
    /// The node id the peer must prove; a peer with any other key is refused.
    public var nodeID: Address

    /// Creates a peer entry.
    public init(host: String, port: Int, nodeID: Address) {
        self.host = host
        self.port = port
        self.nodeID = nodeID
    }

    public var description: String { "\(nodeID)@\(host):\(port)" }
}

/// Everything a `P2PNetwork` needs to know before it starts.
public struct P2PConfiguration: Sendable {
    /// This node's key and certificate.
    public var identity: NodeIdentity
    /// The chain this node belongs to; peers on another chain are refused.
    public var chainID: ChainID
    /// The hash of this node's genesis document; peers with another genesis are refused.
    public var genesisHash: Hash256
    /// The address to listen on.
    public var listenHost: String
    /// The port to listen on; 0 picks a free port (see `P2PNetwork.start()`).
    public var listenPort: Int
    /// Peers dialled and redialled for as long as the network runs.
    public var persistentPeers: [PersistentPeer]
    /// Node ids allowed to connect inbound, besides the persistent peers.
    public var allowedPeers: Set<Address>
    /// The bounds of each peer's send queues.
    public var queueLimits: SendQueueLimits
    /// The redial policy for persistent peers.
    public var backoff: ReconnectBackoff
    /// Seed of the backoff jitter.
    public var backoffSeed: UInt64
    /// Milliseconds without any inbound frame after which a ping is sent; a peer that then stays
    /// silent for as long again is disconnected (`keep-alive-timeout`).
    public var pingIntervalMilliseconds: Int64
    /// Milliseconds a new connection has to complete TLS and the handshake.
    public var handshakeTimeoutMilliseconds: Int64
    /// Milliseconds a dial may take to connect.
    public var connectTimeoutMilliseconds: Int64

    /// Creates a configuration.
    public init(identity: NodeIdentity, chainID: ChainID, genesisHash: Hash256, listenHost: String = "127.0.0.1",
                listenPort: Int = 0, persistentPeers: [PersistentPeer] = [], allowedPeers: Set<Address> = [],
                queueLimits: SendQueueLimits = SendQueueLimits(), backoff: ReconnectBackoff = ReconnectBackoff(),
                backoffSeed: UInt64 = 0, pingIntervalMilliseconds: Int64 = 5_000,
                handshakeTimeoutMilliseconds: Int64 = 5_000, connectTimeoutMilliseconds: Int64 = 3_000) {
        self.identity = identity
        self.chainID = chainID
        self.genesisHash = genesisHash
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.persistentPeers = persistentPeers
        self.allowedPeers = allowedPeers
        self.queueLimits = queueLimits
        self.backoff = backoff
        self.backoffSeed = backoffSeed
        self.pingIntervalMilliseconds = pingIntervalMilliseconds
        self.handshakeTimeoutMilliseconds = handshakeTimeoutMilliseconds
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
    }

    /// Every node id that may connect inbound: the allowed set and the persistent peers.
    var inboundAllowed: Set<Address> { allowedPeers.union(persistentPeers.map(\.nodeID)) }
}
