import FogCrypto
import FogWire
import NIOCore

/// An established connection to a peer, as the rest of the network sees it: thread-safe handles to
/// the channel and to its connection handler's send queues.
final class PeerSession: Sendable {
    /// The peer's node id.
    let nodeID: Address
    /// Whether this node dialled the connection.
    let outbound: Bool
    /// The connection.
    let channel: any Channel
    private let handler: NIOLoopBound<PeerConnectionHandler>

    init(nodeID: Address, outbound: Bool, channel: any Channel, handler: NIOLoopBound<PeerConnectionHandler>) {
        self.nodeID = nodeID
        self.outbound = outbound
        self.channel = channel
        self.handler = handler
    }

    /// Queues an encoded frame for the peer, from any thread.
    func send(_ frame: ByteBuffer, type: WireMessageType) {
        let handler = self.handler
        if channel.eventLoop.inEventLoop {
            handler.value.enqueue(frame, type: type)
        } else {
            channel.eventLoop.execute { handler.value.enqueue(frame, type: type) }
        }
    }

    /// Closes the connection with `reason`, from any thread.
    func close(reason: String) {
        let handler = self.handler
        channel.eventLoop.execute { handler.value.disconnect(reason: reason, detail: "closed by this node") }
    }
}
