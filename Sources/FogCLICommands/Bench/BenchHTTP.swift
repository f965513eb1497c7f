import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A flag one task sets and event-loop handlers read.
final class BenchSignal: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// Monotonic nanoseconds (the event loops' clock).
func benchNanos() -> UInt64 { UInt64(NIODeadline.now().uptimeNanoseconds) }

/// One answer of the node.
struct BenchAnswer: Sendable {
    let status: HTTPResponseStatus
    let body: [UInt8]
}

/// A request for ``BenchExchangeHandler``: the answer completes `promise`.
struct BenchRequest: Sendable {
    let method: HTTPMethod
    let uri: String
    let body: ByteBuffer?
    let promise: EventLoopPromise<BenchAnswer>
}

/// Request/answer over one keep-alive connection, in order (for setup and for reading blocks).
final class BenchExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = BenchRequest
    typealias OutboundOut = HTTPClientRequestPart

    private let host: String
    private var waiting = CircularBuffer<EventLoopPromise<BenchAnswer>>()
    private var status: HTTPResponseStatus = .ok
    private var body: [UInt8] = []

    init(host: String) { self.host = host }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        waiting.append(request.promise)
        var head = HTTPRequestHead(version: .http1_1, method: request.method, uri: request.uri)
        head.headers.add(name: "Host", value: host)
        if let body = request.body {
            head.headers.add(name: "Content-Type", value: "application/cbor")
            head.headers.add(name: "Content-Length", value: String(body.readableBytes))
        }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body = request.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status
            body = []
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            waiting.popFirst()?.succeed(BenchAnswer(status: status, body: body))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        while let promise = waiting.popFirst() { promise.fail(error) }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        while let promise = waiting.popFirst() { promise.fail(ChannelError.ioOnClosedChannel) }
    }
}

/// A keep-alive HTTP/1.1 connection to the node for ordinary requests.
struct BenchConnection: Sendable {
    let channel: any Channel

    /// A connection to `host`:`port` whose pipeline ends in `handler`, after NIO's HTTP client
    /// codec unless `rawBytes` (a handler that reads and writes the connection's bytes itself).
    static func open(_ group: any EventLoopGroup, host: String, port: Int, rawBytes: Bool = false,
                     handler: @escaping @Sendable () -> any ChannelHandler) async throws -> BenchConnection {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if !rawBytes { try channel.pipeline.syncOperations.addHTTPClientHandlers() }
                    try channel.pipeline.syncOperations.addHandler(handler())
                }
            }
            .connect(host: host, port: port).get()
        return BenchConnection(channel: channel)
    }

    static func exchange(_ group: any EventLoopGroup, host: String, port: Int) async throws -> BenchConnection {
        try await open(group, host: host, port: port) { BenchExchangeHandler(host: "\(host):\(port)") }
    }

    /// Sends one request on a connection opened by ``exchange(_:host:port:)`` and waits for its answer.
    func request(_ method: HTTPMethod, _ uri: String, body: [UInt8]? = nil) async throws -> BenchAnswer {
        let promise = channel.eventLoop.makePromise(of: BenchAnswer.self)
        let buffer = body.map { ByteBuffer(bytes: $0) }
        channel.writeAndFlush(BenchRequest(method: method, uri: uri, body: buffer, promise: promise), promise: nil)
        return try await promise.futureResult.get()
    }

    func close() async {
        try? await channel.close().get()
    }
}
