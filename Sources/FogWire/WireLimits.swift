public import FogCore
import FogTypes

/// Every bound the wire protocol enforces on what a peer sends (spec/p2p.md, "Limits").
public enum WireLimits {
    /// Bytes in the frame header: a big-endian unsigned 32-bit length of the frame body.
    public static let frameHeaderBytes = 4
    /// The largest frame body (message-type byte plus CBOR body): 6 MiB, room for the largest block
    /// (`ObjectLimits.maxBlockBytes`, 4 MiB) with its commit and a proposal envelope. A larger
    /// declared length is rejected from the header alone, before any of the body is buffered.
    public static let maxFrameBytes = 6 * 1024 * 1024
    /// The most envelopes in one mempool gossip message.
    public static let maxGossipEnvelopes = 256
    /// The most blocks one block request may ask for (`to - from + 1`).
    public static let maxBlocksPerRequest = 32
    /// The longest listen address in a handshake (`host:port`), in UTF-8 bytes.
    public static let maxListenAddressBytes = 255
    /// The CBOR decoder bounds for a frame body.
    public static let cbor = CBORLimits(
        maxInputBytes: maxFrameBytes, maxDepth: 32, maxCollectionCount: ObjectLimits.maxBlockTransactions,
        maxStringBytes: ObjectLimits.maxBlockBytes)
}
