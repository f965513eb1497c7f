/// The logical channels that share one peer connection. Each has its own send queue and overflow
/// policy in FogP2P; on the wire the channel is implied by the message type.
public enum WireChannel: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Handshake and keep-alive.
    case control
    /// Proposals with their blocks, and votes.
    case consensus
    /// Transaction envelopes gossiped between mempools.
    case mempool
    /// Status, block requests and responses for nodes that are behind.
    case blockSync = "block-sync"

    public var description: String { rawValue }
}
