import FogCore
public import FogCrypto
public import FogTypes

/// The first message each side sends on a new connection, once TLS is up:
/// `{1: version, 2: chain id, 3: genesis hash, 4: node id, 5: latest height, 6: listen address}`.
///
/// The receiver checks the version, chain and genesis against its own, and that the node id is the
/// address of the key the peer's TLS certificate proved.
public struct Handshake: Hashable, Sendable {
    /// The protocol version this build speaks.
    public static let currentVersion: UInt64 = 1

    /// The sender's protocol version.
    public let version: UInt64
    /// The chain the sender belongs to.
    public let chainID: ChainID
    /// The hash of the sender's genesis document.
    public let genesisHash: Hash256
    /// The sender's node id: the address of its node key.
    public let nodeID: Address
    /// The sender's latest committed height (0 before the first block).
    public let latestHeight: UInt64
    /// Where the sender accepts connections, `host:port`.
    public let listenAddress: String

    /// Creates a handshake.
    public init(version: UInt64 = Handshake.currentVersion, chainID: ChainID, genesisHash: Hash256, nodeID: Address,
                latestHeight: UInt64, listenAddress: String) throws(WireError) {
        guard !listenAddress.isEmpty, listenAddress.utf8.count <= WireLimits.maxListenAddressBytes else {
            throw WireError(.limitExceeded,
                            "handshake.listenAddress: must be 1–\(WireLimits.maxListenAddressBytes) bytes")
        }
        self.version = version
        self.chainID = chainID
        self.genesisHash = genesisHash
        self.nodeID = nodeID
        self.latestHeight = latestHeight
        self.listenAddress = listenAddress
    }

    /// Checks that a peer's handshake speaks this version, for this chain and genesis, and names the
    /// node its certificate proved.
    public func accept(_ peer: Handshake, certifiedNodeID: Address) throws(WireError) {
        guard peer.version == version else {
            throw WireError(.versionMismatch, "peer speaks version \(peer.version), this node \(version)")
        }
        guard peer.chainID == chainID else {
            throw WireError(.wrongChain, "peer is on chain \"\(peer.chainID)\", this node on \"\(chainID)\"")
        }
        guard peer.genesisHash == genesisHash else {
            throw WireError(.wrongChain, "peer's genesis \(peer.genesisHash) is not this node's \(genesisHash)")
        }
        guard peer.nodeID == certifiedNodeID else {
            throw WireError(.wrongNodeID, "handshake names \(peer.nodeID), the certificate \(certifiedNodeID)")
        }
    }

    var body: CBORValue {
        WireBody.map([
            (1, .unsigned(version)), (2, .text(chainID.value)), (3, .bytes(genesisHash.bytes)),
            (4, .bytes(nodeID.bytes)), (5, .unsigned(latestHeight)), (6, .text(listenAddress)),
        ])
    }

    init(body: CBORValue) throws {
        var fields = try CBORFields(body, object: "handshake")
        let version = try fields.uint(1, "version")
        let chainID = try ChainID(try fields.text(2, "chain", maxBytes: ObjectLimits.maxChainIDBytes))
        let genesisHash = try WireBody.hash(&fields, 3, "handshake.genesis")
        let nodeID = try WireBody.address(&fields, 4, "handshake.nodeID")
        let latestHeight = try fields.uint(5, "latestHeight")
        let listenAddress = try fields.text(6, "listenAddress", maxBytes: WireLimits.maxListenAddressBytes)
        try fields.finish()
        try self.init(version: version, chainID: chainID, genesisHash: genesisHash, nodeID: nodeID,
                      latestHeight: latestHeight, listenAddress: listenAddress)
    }
}
