import FogAPI
import NIOCore
import NIOHTTP1

/// What one load connection did.
struct BenchDriverResult: Sendable {
    /// For each of its envelopes, when the request that was accepted (202) was sent; 0 when none was.
    var acceptedAt: [UInt64]
    /// Envelopes the node refused with anything but 202 or 503 (not retried).
    var refused = 0
    /// 503 `mempool-full` answers, or bulk answers whose results end in `mempool-full` (the
    /// envelope, or the refused suffix, is sent again 1 ms later).
    var retries = 0
    /// For each request answered, milliseconds from sending it to the end of its answer.
    var answerMillis: [Double] = []
}

/// One keep-alive connection that submits its pre-encoded envelopes one request after another, as
/// fast as the node answers, until they run out or `stop` is set. With `perRequest` above 1 each
/// request carries up to that many envelopes as one `application/cbor-seq` body (within
/// `APILimits.maxSequenceBodyBytes`). Runs entirely on its event loop, on the connection's bytes:
/// each request is written as one buffer, and answers are read with ``BenchResponseReader`` (the
/// client shares the node's two cores, so what it spends is taken from the node).
final class BenchLoadDriver: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Every request's head up to its length: method, path, host and content type.
    private let headPrefix: [UInt8]
    private let bodies: [ByteBuffer]
    private let perRequest: Int
    private let stop: BenchSignal
    private let done: EventLoopPromise<BenchDriverResult>
    private var result: BenchDriverResult
    /// The first envelope of the request in flight (or of the next one).
    private var next = 0
    /// How many envelopes the request in flight carries.
    private var inFlight = 0
    private var sentAt: UInt64 = 0
    private var reader = BenchResponseReader()
    private var finished = false
    /// When set, a request whose last envelope is `i` is not sent before `start + i × pace`
    /// nanoseconds (``benchNanos()``): an offered rate, each request sent once its last envelope is due.
    private let schedule: (start: UInt64, pace: UInt64)?

    /// A driver for `bodies` (COSE_Sign1 envelopes) posted to `/v1/transactions` on `host`,
    /// `perRequest` at a time, as fast as the node answers or, with a `schedule`, at most one
    /// envelope per `pace` nanoseconds from `start` (so that connections given staggered starts
    /// spread their requests evenly instead of sending together).
    init(host: String, bodies: [ByteBuffer], perRequest: Int = 1, stop: BenchSignal,
         done: EventLoopPromise<BenchDriverResult>, schedule: (start: UInt64, pace: UInt64)? = nil) {
        self.headPrefix = Array(("POST /v1/transactions HTTP/1.1\r\nHost: \(host)\r\nContent-Type: "
            + (perRequest > 1 ? "application/cbor-seq" : "application/cbor") + "\r\nContent-Length: ").utf8)
        self.schedule = schedule
        self.bodies = bodies
        self.perRequest = max(1, perRequest)
        self.stop = stop
        self.done = done
        self.result = BenchDriverResult(acceptedAt: Array(repeating: 0, count: bodies.count))
    }

    func channelActive(context: ChannelHandlerContext) {
        sendNext(context: context)
        context.fireChannelActive()
    }

    private func sendNext(context: ChannelHandlerContext) {
        guard next < bodies.count, !stop.isSet else {
            finish(.success(result))
            return
        }
        let now = benchNanos()
        if let schedule {
            let last = min(next + perRequest, bodies.count) - 1
            let due = schedule.start + UInt64(last) * schedule.pace
            if due > now {
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .nanoseconds(Int64(due - now))) {
                    let (driver, context) = loopBound.value
                    driver.sendNext(context: context)
                }
                return
            }
        }
        // The envelopes of this request: up to `perRequest`, within the sequence body limit.
        var length = bodies[next].readableBytes
        inFlight = 1
        while perRequest > 1, inFlight < perRequest, next + inFlight < bodies.count,
              length + bodies[next + inFlight].readableBytes <= APILimits.maxSequenceBodyBytes {
            length += bodies[next + inFlight].readableBytes
            inFlight += 1
        }
        var request = context.channel.allocator.buffer(capacity: headPrefix.count + 16 + length)
        request.writeBytes(headPrefix)
        request.writeString("\(length)\r\n\r\n")
        for index in next..<next + inFlight { request.writeImmutableBuffer(bodies[index]) }
        sentAt = now
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        let responses: [BenchResponseReader.Response]
        do {
            responses = try reader.read(&bytes)
        } catch {
            errorCaught(context: context, error: error)
            return
        }
        for response in responses {
            let status = HTTPResponseStatus(statusCode: response.status)
            result.answerMillis.append(Double(benchNanos() - sentAt) / 1e6)
            let retry = perRequest > 1 ? handleResults(status, response.body) : handleSingle(status)
            if retry {
                result.retries += 1
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(1)) {
                    let (driver, context) = loopBound.value
                    driver.sendNext(context: context)
                }
            } else {
                sendNext(context: context)
            }
        }
    }

    /// Records the answer to one envelope; returns whether to send it again (a full mempool).
    private func handleSingle(_ status: HTTPResponseStatus) -> Bool {
        switch status {
        case .accepted:
            result.acceptedAt[next] = sentAt
        case .serviceUnavailable:
            return true
        default:
            result.refused += 1
        }
        next += 1
        return false
    }

    /// Records the results of a bulk request; returns whether to send its refused suffix again (the
    /// node refuses everything after a `mempool-full` the same way).
    private func handleResults(_ status: HTTPResponseStatus, _ answer: [UInt8]) -> Bool {
        guard status == .ok else {
            result.refused += inFlight
            next += inFlight
            return false
        }
        if BenchBulkAnswer.count(of: BenchBulkAnswer.accepted, in: answer) == inFlight {
            for index in next..<next + inFlight { result.acceptedAt[index] = sentAt }
            next += inFlight
            return false
        }
        let outcomes = BenchBulkAnswer.outcomes(answer)
        for offset in 0..<inFlight {
            switch offset < outcomes.count ? outcomes[offset] : .refused {
            case .accepted:
                result.acceptedAt[next + offset] = sentAt
            case .refused:
                result.refused += 1
            case .unavailable:
                next += offset
                return true
            }
        }
        next += inFlight
        return false
    }

    private func finish(_ outcome: Result<BenchDriverResult, any Error>) {
        guard !finished else { return }
        finished = true
        done.completeWith(outcome)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(ChannelError.ioOnClosedChannel))
        context.fireChannelInactive()
    }
}

/// Polls `/v1/status` every `interval` and notes when each height was first seen: the commit time
/// of every block, to within the interval. Ends once `drain` is set and the node reports nothing
/// pending.
final class BenchHeightPoller: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let head: HTTPRequestHead
    private let interval: TimeAmount
    private let drain: BenchSignal
    private let done: EventLoopPromise<[UInt64: UInt64]>
    private var firstSeen: [UInt64: UInt64] = [:]
    private var latest: UInt64 = 0
    private var body: [UInt8] = []
    private var finished = false

    init(host: String, interval: TimeAmount, drain: BenchSignal, done: EventLoopPromise<[UInt64: UInt64]>) {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/v1/status")
        head.headers.add(name: "Host", value: host)
        self.head = head
        self.interval = interval
        self.drain = drain
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        poll(context: context)
        context.fireChannelActive()
    }

    private func poll(context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: body = []
        case .body(let buffer): body.append(contentsOf: buffer.readableBytesView)
        case .end:
            let seen = benchNanos()
            let draining = drain.isSet
            guard let parsed = Self.parse(body) else {
                fail(context: context, BenchError.badStatus(String(decoding: body, as: UTF8.self)))
                return
            }
            let (height, pending) = parsed
            if height > latest {
                // Every height up to this one was committed by now.
                for missed in (latest + 1)...height where firstSeen[missed] == nil { firstSeen[missed] = seen }
                latest = height
            }
            if draining, pending == 0 {
                finished = true
                done.succeed(firstSeen)
                return
            }
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: interval) {
                let (poller, context) = loopBound.value
                poller.poll(context: context)
            }
        }
    }

    /// `height` and `pending` from the status JSON (a flat object; both are plain integers).
    static func parse(_ body: [UInt8]) -> (UInt64, Int)? {
        let text = String(decoding: body, as: UTF8.self)
        func integer(_ name: String) -> UInt64? {
            guard let range = text.range(of: "\"\(name)\"") else { return nil }
            let rest = text[range.upperBound...].drop { $0 == ":" || $0 == " " }
            return UInt64(rest.prefix { $0.isNumber })
        }
        guard let height = integer("height"), let pending = integer("pending") else { return nil }
        return (height, Int(pending))
    }

    private func fail(context: ChannelHandlerContext, _ error: any Error) {
        guard !finished else { return }
        finished = true
        done.fail(error)
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished {
            finished = true
            done.fail(ChannelError.ioOnClosedChannel)
        }
        context.fireChannelInactive()
    }
}

/// The benchmark could not run.
enum BenchError: Error, CustomStringConvertible {
    case badStatus(String)
    var description: String {
        switch self {
        case .badStatus(let body): "the node's /v1/status answer has no height and pending: \(body.prefix(200))"
        }
    }
}
