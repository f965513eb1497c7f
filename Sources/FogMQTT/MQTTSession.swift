import NIOCore
import NIOPosix
import NIOSSL

/// The shell around `MQTTClientStateMachine`: it owns the connection (and its replacements after a reconnect),
/// performs the machine's actions, and keeps the callers' promises and subscription streams.
///
/// Confined to `eventLoop`: every method runs there (asserted), which is what makes it `Sendable`.
final class MQTTSession: @unchecked Sendable {
    typealias Connector = @Sendable (
        _ eventLoop: any EventLoop, _ initializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
    ) -> EventLoopFuture<any Channel>

    private struct Subscriber {
        let id: Int
        let subscriptions: [MQTTSubscription]
        let continuation: AsyncStream<MQTTPublish>.Continuation
    }

    private struct PendingSubscribe {
        let promise: EventLoopPromise<AsyncStream<MQTTPublish>>?
        let subscriber: Subscriber
        let stream: AsyncStream<MQTTPublish>?
    }

    let configuration: MQTTClientConfiguration
    let eventLoop: any EventLoop
    private let connector: Connector
    private(set) var machine: MQTTClientStateMachine
    private(set) var statistics = MQTTClientStatistics()

    private var channel: (any Channel)?
    private var connectPromise: EventLoopPromise<MQTTConnAck>?
    private var closeReason: MQTTClientError?
    /// Why the connection was lost for good (no reconnect): what later operations report.
    private var lossReason: MQTTClientError?
    private var publishPromises: [UInt16: EventLoopPromise<Void>] = [:]
    private var queued = CircularBuffer<(MQTTPublish, EventLoopPromise<Void>)>()
    private var pendingSubscribes: [UInt16: PendingSubscribe] = [:]
    private var unsubscribePromises: [UInt16: EventLoopPromise<Void>] = [:]
    private var subscribers: [Subscriber] = []
    private var nextSubscriberID = 0
    private var userClosed = true
    private var everConnected = false
    private var reconnectAttempt = 0
    private var reconnectTask: Scheduled<Void>?
    private var tickTask: RepeatedTask?
    private var connectTimeoutTask: Scheduled<Void>?
    /// Under manual acknowledgement: the ids of QoS 1 messages delivered on this connection and not yet
    /// acknowledged (a new connection starts empty: the broker resends what was not acknowledged).
    private var unacknowledged = Set<UInt16>()

    init(configuration: MQTTClientConfiguration, eventLoop: any EventLoop, connector: @escaping Connector) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.connector = connector
        self.machine = MQTTClientStateMachine(configuration: .init(
            version: configuration.version, inflightWindow: configuration.inflightWindow,
            keepAliveSeconds: configuration.keepAliveSeconds, pingTimeout: configuration.pingTimeout))
    }

    static func tcpConnector(configuration: MQTTClientConfiguration) -> Connector {
        // One TLS context for every connection of this client; a bad TLS configuration fails each connect.
        let sslContext: Result<NIOSSLContext, any Error>? = configuration.tls.map { tls in
            Result { try NIOSSLContext(configuration: tls) }
        }
        let hostname = configuration.tlsServerHostname
            ?? (isIPAddress(configuration.host) ? nil : configuration.host)
        return { eventLoop, initializer in
            ClientBootstrap(group: eventLoop)
                .connectTimeout(configuration.connectTimeout)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    guard let sslContext else { return initializer(channel) }
                    return channel.eventLoop.makeCompletedFuture {
                        let handler = try NIOSSLClientHandler(context: try sslContext.get(), serverHostname: hostname)
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }.flatMap { initializer(channel) }
                }
                .connect(host: configuration.host, port: configuration.port)
        }
    }

    private static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    // MARK: caller operations (on the loop)

    func connect() -> EventLoopFuture<MQTTConnAck> {
        eventLoop.assertInEventLoop()
        guard channel == nil, connectPromise == nil, reconnectTask == nil else {
            return eventLoop.makeFailedFuture(MQTTClientError.invalidArgument("already connected or connecting"))
        }
        userClosed = false
        let promise = eventLoop.makePromise(of: MQTTConnAck.self)
        connectPromise = promise
        openConnection(cleanStart: configuration.cleanStart)
        return promise.futureResult
    }

    func publish(_ message: MQTTPublish) -> EventLoopFuture<Void> {
        eventLoop.assertInEventLoop()
        let promise = eventLoop.makePromise(of: Void.self)
        if machine.state == .connected && queued.isEmpty && (message.qos == .atMostOnce || machine.hasInflightSpace) {
            startPublish(message, promise)
        } else if machine.state == .connected || reconnectTask != nil || (channel != nil && everConnected) {
            // Backpressure: wait for an inflight slot (or for the reconnect).
            guard queued.count < configuration.maximumQueuedPublishes else {
                promise.fail(MQTTClientError.tooManyQueuedPublishes)
                return promise.futureResult
            }
            queued.append((message, promise))
        } else {
            promise.fail(lossReason ?? MQTTClientError.connectionClosed)
        }
        return promise.futureResult
    }

    /// Sends the PUBACK of a message delivered on the current connection, under manual acknowledgement.
    func acknowledge(_ message: MQTTPublish) {
        eventLoop.assertInEventLoop()
        guard configuration.manualAcknowledgement != nil, message.qos == .atLeastOnce, let id = message.packetID,
              machine.state == .connected, unacknowledged.remove(id) != nil
        else { return }
        write(.puback(MQTTPubAck(packetID: id)))
    }

    func subscribe(_ subscriptions: [MQTTSubscription]) -> EventLoopFuture<AsyncStream<MQTTPublish>> {
        eventLoop.assertInEventLoop()
        let promise = eventLoop.makePromise(of: AsyncStream<MQTTPublish>.self)
        do {
            let packet = try machine.subscribe(subscriptions, now: .now())
            let (stream, continuation) = AsyncStream.makeStream(
                of: MQTTPublish.self, bufferingPolicy: .bufferingOldest(configuration.subscriptionBuffer))
            let id = nextSubscriberID
            nextSubscriberID += 1
            continuation.onTermination = { [self] _ in
                eventLoop.execute { self.subscribers.removeAll { $0.id == id } }
            }
            pendingSubscribes[packet.packetID] = PendingSubscribe(
                promise: promise, subscriber: Subscriber(id: id, subscriptions: subscriptions, continuation: continuation),
                stream: stream)
            write(.subscribe(packet))
        } catch {
            promise.fail(error)
        }
        return promise.futureResult
    }

    func unsubscribe(_ filters: [String]) -> EventLoopFuture<Void> {
        eventLoop.assertInEventLoop()
        let promise = eventLoop.makePromise(of: Void.self)
        do {
            let packet = try machine.unsubscribe(filters, now: .now())
            unsubscribePromises[packet.packetID] = promise
            write(.unsubscribe(packet))
        } catch {
            promise.fail(error)
        }
        return promise.futureResult
    }

    func disconnect() -> EventLoopFuture<Void> {
        eventLoop.assertInEventLoop()
        userClosed = true
        reconnectTask?.cancel()
        reconnectTask = nil
        guard let channel else {
            failEverything(.connectionClosed)
            return eventLoop.makeSucceededVoidFuture()
        }
        perform(machine.disconnect())
        channel.close(promise: nil)
        return channel.closeFuture
    }

    // MARK: connection

    private func openConnection(cleanStart: Bool) {
        let decoder = MQTTPacketDecoder(version: configuration.version,
                                        maximumPacketSize: configuration.maximumPacketSize)
        let encoder = MQTTPacketEncoder(version: configuration.version)
        connector(eventLoop) { [self] channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandlers([
                    ByteToMessageHandler(decoder), MessageToByteHandler(encoder), MQTTConnectionHandler(session: self),
                ])
            }
        }.hop(to: eventLoop).whenComplete { [self] result in
            switch result {
            case .failure:
                attemptFailed(.connectionClosed)
            case .success(let channel):
                guard !userClosed else {
                    channel.close(promise: nil)
                    return
                }
                self.channel = channel
                let timeout = configuration.connectTimeout
                connectTimeoutTask = eventLoop.scheduleTask(in: timeout) { [self] in
                    closeReason = .connectTimeout
                    channel.close(promise: nil)
                }
                perform(machine.connect(connectPacket(cleanStart: cleanStart), now: .now()))
            }
        }
    }

    private func connectPacket(cleanStart: Bool) -> MQTTConnect {
        var properties = MQTTProperties()
        if configuration.version == .v5 {
            if configuration.sessionExpirySeconds > 0 {
                properties.items.append(.sessionExpiryInterval(configuration.sessionExpirySeconds))
            }
            properties.items.append(.maximumPacketSize(UInt32(configuration.maximumPacketSize)))
            if let receiveMaximum = configuration.manualAcknowledgement {
                properties.items.append(.receiveMaximum(receiveMaximum))
            }
        }
        return MQTTConnect(version: configuration.version, clientID: configuration.clientID, cleanStart: cleanStart,
                           keepAliveSeconds: configuration.keepAliveSeconds, username: configuration.username,
                           password: configuration.password, will: configuration.will, properties: properties)
    }

    /// A connection attempt failed before a channel existed.
    private func attemptFailed(_ error: MQTTClientError) {
        if let promise = connectPromise {
            connectPromise = nil
            userClosed = true
            failEverything(error)
            promise.fail(error)
        } else {
            scheduleReconnectOrGiveUp(error)
        }
    }

    private func scheduleReconnectOrGiveUp(_ error: MQTTClientError) {
        guard !userClosed, everConnected, let policy = configuration.reconnect,
              policy.maximumAttempts.map({ reconnectAttempt < $0 }) ?? true
        else {
            userClosed = true
            lossReason = error
            failEverything(error)
            return
        }
        let delay = policy.delay(attempt: reconnectAttempt)
        reconnectAttempt += 1
        reconnectTask = eventLoop.scheduleTask(in: delay) { [self] in
            reconnectTask = nil
            // Resume the session when the broker keeps one; otherwise start clean and resubscribe.
            openConnection(cleanStart: !configuration.resumesSession)
        }
    }

    // MARK: from the channel handler

    func received(_ packet: MQTTPacket, on channel: any Channel) {
        eventLoop.assertInEventLoop()
        guard channel === self.channel else { return }
        perform(machine.receive(packet, now: .now()))
    }

    func errorCaught(_ error: any Error, on channel: any Channel) {
        guard channel === self.channel else { return }
        if let codecError = error as? MQTTCodecError {
            perform(machine.malformed(codecError))
        } else {
            closeReason = closeReason ?? .transport(String(describing: error))
            channel.close(promise: nil)
        }
    }

    func closed(_ channel: any Channel) {
        eventLoop.assertInEventLoop()
        guard channel === self.channel else { return }
        self.channel = nil
        tickTask?.cancel()
        tickTask = nil
        connectTimeoutTask?.cancel()
        connectTimeoutTask = nil
        let error = closeReason ?? .connectionClosed
        closeReason = nil
        machine.connectionLost()
        for (_, pending) in pendingSubscribes {
            pending.promise?.fail(error)
            if pending.promise != nil { pending.subscriber.continuation.finish() }
        }
        pendingSubscribes = [:]
        for (_, p) in unsubscribePromises { p.fail(error) }
        unsubscribePromises = [:]
        if let promise = connectPromise {
            connectPromise = nil
            userClosed = true
            failEverything(error)
            promise.fail(error)
            return
        }
        scheduleReconnectOrGiveUp(error)
    }

    private func failEverything(_ error: MQTTClientError) {
        for id in machine.discardInflight() { publishPromises.removeValue(forKey: id)?.fail(error) }
        for (_, p) in publishPromises { p.fail(error) }
        publishPromises = [:]
        while let (_, p) = queued.popFirst() { p.fail(error) }
        for s in subscribers { s.continuation.finish() }
        subscribers = []
    }

    // MARK: actions

    private func write(_ packet: MQTTPacket, promise: EventLoopPromise<Void>? = nil) {
        guard let channel else {
            promise?.fail(MQTTClientError.connectionClosed)
            return
        }
        channel.writeAndFlush(packet, promise: promise)
    }

    private func startPublish(_ message: MQTTPublish, _ promise: EventLoopPromise<Void>) {
        do {
            let packet = try machine.publish(message, now: .now())
            if let id = packet.packetID {
                publishPromises[id] = promise
                write(.publish(packet))
            } else {
                write(.publish(packet), promise: promise)
            }
        } catch {
            promise.fail(error)
        }
    }

    private func drainQueue() {
        while machine.state == .connected, let next = queued.first,
              next.0.qos == .atMostOnce || machine.hasInflightSpace
        {
            _ = queued.removeFirst()
            startPublish(next.0, next.1)
        }
    }

    private func perform(_ actions: [MQTTClientStateMachine.Action]) {
        for action in actions {
            switch action {
            case .send(let packet):
                if case .publish(let p) = packet, p.dup { statistics.resentPublishes += 1 }
                if case .puback(let ack) = packet, configuration.manualAcknowledgement != nil {
                    unacknowledged.insert(ack.packetID)  // sent by acknowledge(_:)
                    continue
                }
                write(packet)
            case .connected(let ack):
                connected(ack)
            case .publishAcknowledged(let id, let code):
                statistics.publishesAcknowledged += 1
                let promise = publishPromises.removeValue(forKey: id)
                if code >= 0x80 {
                    promise?.fail(MQTTClientError.publishFailed(reasonCode: code))
                } else {
                    promise?.succeed()
                }
                drainQueue()
            case .subscribeAcknowledged(let ack):
                guard let pending = pendingSubscribes.removeValue(forKey: ack.packetID) else { continue }
                if let failure = ack.reasonCodes.first(where: { $0 >= 0x80 }) {
                    _ = failure
                    pending.subscriber.continuation.finish()
                    pending.promise?.fail(MQTTClientError.subscribeFailed(reasonCodes: ack.reasonCodes))
                } else if let promise = pending.promise, let stream = pending.stream {
                    subscribers.append(pending.subscriber)
                    promise.succeed(stream)
                }
            case .unsubscribeAcknowledged(let ack):
                unsubscribePromises.removeValue(forKey: ack.packetID)?.succeed()
            case .deliver(let message):
                statistics.messagesReceived += 1
                for s in subscribers where s.subscriptions.contains(where: { Self.matches($0.filter, message.topic) }) {
                    if case .dropped = s.continuation.yield(message) { statistics.messagesDropped += 1 }
                }
            case .close(let error):
                closeReason = closeReason ?? error
                channel?.close(promise: nil)
            }
        }
    }

    private func connected(_ ack: MQTTConnAck) {
        lossReason = nil
        unacknowledged.removeAll()
        statistics.connections += 1
        connectTimeoutTask?.cancel()
        connectTimeoutTask = nil
        reconnectAttempt = 0
        let firstConnection = !everConnected
        everConnected = true
        let keepAlive = machine.keepAliveSeconds
        if keepAlive > 0 {
            let interval = TimeAmount.nanoseconds(max(
                TimeAmount.milliseconds(10).nanoseconds,
                min(TimeAmount.seconds(Int64(keepAlive)).nanoseconds, configuration.pingTimeout.nanoseconds) / 4))
            tickTask = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in
                perform(machine.tick(now: .now()))
            }
        }
        if let promise = connectPromise {
            connectPromise = nil
            promise.succeed(ack)
        }
        // A broker that lost our session also lost our subscriptions: subscribe again.
        if !firstConnection && !ack.sessionPresent && !subscribers.isEmpty {
            let all = subscribers.flatMap(\.subscriptions)
            if let packet = try? machine.subscribe(all, now: .now()) {
                write(.subscribe(packet))
            }
        }
        drainQueue()
    }

    /// Topic matching for delivery; a shared subscription (`$share/group/filter`) matches on its filter.
    static func matches(_ filter: String, _ topic: String) -> Bool {
        if filter.hasPrefix("$share/") {
            let parts = filter.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            return parts.count == 3 && MQTTTopic.matches(filter: String(parts[2]), topic: topic)
        }
        return MQTTTopic.matches(filter: filter, topic: topic)
    }
}

/// Forwards one connection's packets, errors and closure to its session.
final class MQTTConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = MQTTPacket

    private let session: MQTTSession

    init(session: MQTTSession) { self.session = session }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        session.received(unwrapInboundIn(data), on: context.channel)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        session.errorCaught(error, on: context.channel)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        session.closed(context.channel)
        context.fireChannelInactive()
    }
}
