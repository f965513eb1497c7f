public import FogCrypto
public import FogWire

/// What the network reports to the node, in order per peer.
public enum P2PEvent: Sendable {
    /// A peer completed TLS and the handshake; `handshake` is what it announced.
    case peerUp(Address, Handshake)
    /// A peer's connection closed, with the reason (a `WireError` or `P2PError` code, or `closed`).
    case peerDown(Address, reason: String)
    /// A message from an established peer.
    case message(Address, WireMessage)
    /// A connection that was refused or failed before the handshake completed.
    case connectionFailed(remote: String, reason: String)
}

/// Counts of the rare events, for operators and tests; messages themselves are counted in metrics.
public struct P2PStats: Hashable, Sendable {
    /// Disconnects by reason code.
    public var disconnects: [String: Int] = [:]
    /// Connections refused or failed before the handshake, by reason code.
    public var refused: [String: Int] = [:]
    /// Mempool messages dropped from full send queues (oldest first).
    public var mempoolDropped = 0
    /// Block sync messages dropped from full send queues (newest).
    public var blockSyncDropped = 0

    /// No events yet.
    public init() {}
}
