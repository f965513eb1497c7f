import FogCrypto
import FogWire
import NIOCore
import NIOSSL
import Synchronization

/// What the TLS verification callback learned about the peer, for the handler on the same loop.
final class VerifiedPeer {
    /// The node id the peer's certificate proved, once verified.
    var nodeID: Address?
    /// Why verification refused the peer.
    var refusal: P2PError?
}

/// Whether a connection completed its handshake: read by the dialler once the connection is closed.
final class ConnectionOutcome: Sendable {
    private let established = Mutex(false)
    var wasEstablished: Bool { established.withLock { $0 } }
    func markEstablished() { established.withLock { $0 = true } }
}

/// One peer connection above TLS and framing: sends this node's handshake, checks the peer's, then
/// delivers its messages to the network and writes queued frames, batched per event-loop tick.
///
/// Any frame that does not decode, a message out of order, a keep-alive timeout or a full
/// never-drop queue closes the connection with a precise reason; nothing a peer sends can crash it.
final class PeerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case awaitingHandshake
        case established(PeerSession)
        case closed
    }

    /// The most bytes written per drain before flushing and yielding the loop.
    private static let maxBytesPerDrain = 256 * 1024

    private let local: Handshake
    private let verified: VerifiedPeer
    private let outbound: Bool
    private let table: PeerTable
    private let outcome: ConnectionOutcome
    private let handshakeTimeout: TimeAmount
    private var state = State.awaitingHandshake
    private var queues: SendQueues
    private var drainScheduled = false
    private var context: ChannelHandlerContext?
    private var pingOutstanding: UInt64?
    private var pingNonce: UInt64 = 0
    private var closeReason: (code: String, detail: String)?
    private var handshakeTimer: Scheduled<Void>?
    private var remote = "unknown"

    init(local: Handshake, verified: VerifiedPeer, outbound: Bool, table: PeerTable, outcome: ConnectionOutcome,
         limits: SendQueueLimits, handshakeTimeout: TimeAmount) {
        self.local = local
        self.verified = verified
        self.outbound = outbound
        self.table = table
        self.outcome = outcome
        self.queues = SendQueues(limits: limits)
        self.handshakeTimeout = handshakeTimeout
    }

    // MARK: Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        remote = context.remoteAddress.map { "\($0)" } ?? "unknown"
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        remote = context.remoteAddress.map { "\($0)" } ?? "unknown"
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard handshakeTimer == nil else { return }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        handshakeTimer = context.eventLoop.scheduleTask(in: handshakeTimeout) {
            if case .awaitingHandshake = loopBound.value.state {
                loopBound.value.disconnect(reason: "handshake-timeout", detail: "no handshake in time")
            }
        }
        enqueue(Self.controlFrame(.handshake(local)), type: .handshake)
    }

    func channelInactive(context: ChannelHandlerContext) {
        handshakeTimer?.cancel()
        let session: PeerSession?
        if case .established(let established) = state { session = established } else { session = nil }
        state = .closed
        let reason = closeReason ?? verified.refusal.map { (code: $0.code.description, detail: $0.detail) }
            ?? (code: "closed", detail: "the connection closed")
        table.closed(context.channel, session: session, remote: remote, reason: reason.code, detail: reason.detail)
        self.context = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let refusal = verified.refusal {
            disconnect(reason: refusal.code.description, detail: refusal.detail)
        } else if let wire = error as? WireError {
            disconnect(reason: wire.code.description, detail: wire.detail)
        } else if error is NIOSSLError || error is BoringSSLError {
            disconnect(reason: "tls", detail: "\(error)")
        } else {
            disconnect(reason: "io", detail: "\(error)")
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard case .established = state else { return }
        if pingOutstanding != nil {
            disconnect(reason: "keep-alive-timeout", detail: "no answer to a ping")
        } else {
            pingNonce &+= 1
            pingOutstanding = pingNonce
            enqueue(Self.controlFrame(.ping(nonce: pingNonce)), type: .ping)
        }
    }

    /// Closes the connection, recording why (the first reason wins).
    func disconnect(reason: String, detail: String) {
        if closeReason == nil { closeReason = (reason, detail) }
        context?.close(promise: nil)
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        pingOutstanding = nil
        let message: WireMessage
        do {
            message = try WireMessage.decode(frameBody: frame.readableBytesView)
        } catch {
            disconnect(reason: error.code.description, detail: error.detail)
            return
        }
        switch state {
        case .closed:
            return
        case .awaitingHandshake:
            guard case .handshake(let handshake) = message else {
                disconnect(reason: "protocol-violation", detail: "\(message.type) before the handshake")
                return
            }
            accept(handshake, context: context)
        case .established(let session):
            table.metrics.received(message.type)
            switch message {
            case .handshake:
                disconnect(reason: "protocol-violation", detail: "a second handshake")
            case .ping(let nonce):
                enqueue(Self.controlFrame(.pong(nonce: nonce)), type: .pong)
            case .pong:
                break
            default:
                table.deliver(message, from: session.nodeID)
            }
        }
    }

    private func accept(_ handshake: Handshake, context: ChannelHandlerContext) {
        guard let certified = verified.nodeID else {
            disconnect(reason: "tls", detail: "handshake before the certificate was verified")
            return
        }
        do {
            try local.accept(handshake, certifiedNodeID: certified)
        } catch {
            disconnect(reason: error.code.description, detail: error.detail)
            return
        }
        let session = PeerSession(nodeID: certified, outbound: outbound, channel: context.channel,
                                  handler: NIOLoopBound(self, eventLoop: context.eventLoop))
        guard table.register(session, handshake: handshake) else {
            disconnect(reason: "duplicate-connection", detail: "a preferred connection to \(certified) exists")
            return
        }
        handshakeTimer?.cancel()
        outcome.markEstablished()
        state = .established(session)
    }

    // MARK: Writing

    /// The frame of a control message, which is a few dozen bytes and always fits.
    private static func controlFrame(_ message: WireMessage) -> ByteBuffer {
        do {
            return ByteBuffer(bytes: try message.frame)
        } catch {
            preconditionFailure("a control message exceeds the frame limit: \(error)")
        }
    }

    /// Queues a frame; writes happen once per event-loop tick, flushed together.
    func enqueue(_ frame: ByteBuffer, type: WireMessageType) {
        guard let context, !isClosed else { return }
        switch queues.enqueue(frame, on: type.channel) {
        case .queued:
            break
        case .queuedDroppingOldest, .droppedNewest:
            table.dropped(type.channel)
        case .overflow:
            disconnect(reason: "\(type.channel)-queue-full",
                       detail: "the peer does not read fast enough; \(queues.count(type.channel)) messages wait")
            return
        }
        table.metrics.sent(type)
        scheduleDrain(context: context)
    }

    private var isClosed: Bool {
        if case .closed = state { return true }
        return closeReason != nil
    }

    private func scheduleDrain(context: ChannelHandlerContext) {
        guard !drainScheduled else { return }
        drainScheduled = true
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute { loopBound.value.drain() }
    }

    private func drain() {
        drainScheduled = false
        guard let context, !isClosed else { return }
        var written = 0
        while context.channel.isWritable, written < Self.maxBytesPerDrain, let frame = queues.next() {
            written += frame.readableBytes
            context.write(wrapOutboundOut(frame), promise: nil)
        }
        guard written > 0 else { return }
        context.flush()
        if !queues.isEmpty, context.channel.isWritable { scheduleDrain(context: context) }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, !queues.isEmpty { scheduleDrain(context: context) }
        context.fireChannelWritabilityChanged()
    }
}
