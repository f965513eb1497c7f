import FogCrypto
import FogExecution
public import FogNode
import FogMQTT
public import FogTypes
public import Logging
import NIOCore
import NIOSSL
public import ServiceLifecycle
import Synchronization

/// The node's MQTT gateway (spec/gateway.md): subscribes to the devices' readings topics, screens
/// and submits each envelope, and publishes acks on the device's acks topic — "accepted" or
/// "rejected" at once, "committed" when the transaction's block is committed.
///
/// Pipelining: up to ``inflightLimit`` messages are in flight at once. Each device's messages are
/// submitted in arrival order on one of ``submissionLanes`` lanes; their acks are published
/// concurrently, so a device's next reading never waits for the broker round trip of the last ack.
///
/// Backpressure: a message is acknowledged to the broker (PUBACK) only once it is handled, and the
/// gateway announces a Receive Maximum of ``unacknowledgedLimit``, so a broker that honours it keeps
/// the rest; what a broker sends beyond it waits in a bounded buffer (``subscriptionBuffer``). While the mempool is full the gateway
/// keeps the message in hand and submits again every ``GatewayConfiguration/retryInterval``. One
/// bad message is one rejected ack, never a dropped connection.
public struct GatewayService: Service {
    /// Messages the gateway asks the broker to leave unacknowledged at most (its Receive Maximum).
    public static let unacknowledgedLimit: UInt16 = 256
    /// Messages being submitted or answered at once (the rest wait in the subscription buffer, or
    /// at the broker): the Receive Maximum.
    public static let inflightLimit = Int(unacknowledgedLimit)
    /// Submission lanes: one device's messages are submitted in order on one lane, different lanes
    /// submit concurrently (the node verifies signatures on every core).
    public static let submissionLanes = 8
    /// Messages buffered between the connection and the gateway, for brokers that send beyond the
    /// Receive Maximum; a message beyond it is dropped and counted in the client's statistics.
    public static let subscriptionBuffer = 65_536
    /// The largest MQTT packet taken from the broker: an envelope at its limit plus room for the
    /// topic and properties, and a little more so that slightly oversize payloads still reach the
    /// gateway and get a rejected ack (an MQTT 5 broker drops larger packets without telling anyone).
    public static let maximumPacketSize = ObjectLimits.maxEnvelopeBytes + 64 * 1024

    private let ingress: any LedgerIngress
    private let chainID: ChainID
    private let configuration: GatewayConfiguration
    private let metrics: GatewayMetrics
    private let logger: Logger
    private let client: MQTTClient
    private let attestor: GatewayAttestor?

    /// A gateway submitting to `ingress`, a node of chain `chainID`.
    public init(ingress: any LedgerIngress, chainID: ChainID, configuration: GatewayConfiguration,
                metrics: GatewayMetrics, logger: Logger) {
        self.ingress = ingress
        self.chainID = chainID
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        attestor = configuration.gatewayMode.map { GatewayAttestor(configuration: $0, chainID: chainID) }
        var tls: TLSConfiguration?
        if configuration.broker.tls {
            var settings = TLSConfiguration.makeClientConfiguration()
            if let caFile = configuration.caFile { settings.trustRoots = .file(caFile) }
            tls = settings
        }
        var mqtt = MQTTClientConfiguration(
            host: configuration.broker.host, port: configuration.broker.port, clientID: configuration.clientID,
            version: .v5, username: configuration.username, password: configuration.password,
            cleanStart: false, sessionExpirySeconds: 3_600,
            maximumPacketSize: Self.maximumPacketSize,
            subscriptionBuffer: Self.subscriptionBuffer, reconnect: MQTTReconnectPolicy(), tls: tls)
        mqtt.manualAcknowledgement = Self.unacknowledgedLimit
        client = MQTTClient(configuration: mqtt)
    }

    public func run() async throws {
        // Listen to commits before the first submission, so no committed ack can be missed.
        let commits = await ingress.committedTransactions()
        try await client.connect()
        var filters = [configuration.readingsFilter]
        if attestor != nil { filters.append(GatewayTopic.gatewayReadingsFilter) }
        let messages = try await client.subscribe(filters.map { MQTTSubscription(filter: $0, qos: .atLeastOnce) })
        logger.info("gateway subscribed", metadata: [
            "broker": "\(configuration.broker)", "filters": "\(filters)",
        ])
        let tracker = Tracker(capacity: configuration.pendingCapacity)
        let limiter = InflightLimiter(limit: Self.inflightLimit)
        let pause = PauseClock(metrics: metrics)
        let lanes = (0..<Self.submissionLanes).map { _ in
            AsyncStream.makeStream(of: MQTTPublish.self, bufferingPolicy: .unbounded)
        }
        let client = self.client
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    // The limiter bounds what the lanes hold, so their unbounded buffers stay small.
                    for await message in messages {
                        await limiter.acquire()
                        lanes[Self.lane(of: message.topic)].continuation.yield(message)
                    }
                    for lane in lanes { lane.continuation.finish() }
                    if !Task.isShuttingDownGracefully {
                        let statistics = await client.statistics
                        logger.warning("the broker connection ended", metadata: ["statistics": "\(statistics)"])
                    }
                }
                for lane in lanes {
                    group.addTask {
                        await withDiscardingTaskGroup { answers in
                            for await message in lane.stream {
                                let outcome = await handle(message, pause: pause)
                                answers.addTask {
                                    await answer(outcome, tracker: tracker)
                                    await client.acknowledge(message)
                                    limiter.release()
                                }
                            }
                        }
                    }
                }
                group.addTask {
                    defer { logger.debug("commit loop ended") }
                    for await block in commits {
                        let due = tracker.state.withLock { $0.committed(height: block.height, ids: block.ids) }
                        for ack in due { await publishCommitted(ack) }
                        guard attestor != nil else { continue }
                        let attested = tracker.attested.withLock { $0.committed(height: block.height, ids: block.ids) }
                        for ack in attested { await publishCommitted(ack) }
                    }
                }
                if let attestor {
                    group.addTask { await attest(with: attestor, tracker: tracker, pause: pause) }
                }
                // The message loop or the commit loop ending (the connection closed for good, or the
                // node stopped) ends everything.
                await group.next()
                limiter.close()
                for lane in lanes { lane.continuation.finish() }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            Task { await client.disconnect() }
        }
        let statistics = await client.statistics
        await client.disconnect()
        logger.info("gateway stopped", metadata: ["statistics": "\(statistics)"])
    }

    /// The lane of a topic: one device's messages always share a lane, so they are submitted in
    /// arrival order; different devices' messages are submitted concurrently.
    static func lane(of topic: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in topic.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(hash % UInt64(submissionLanes))
    }

    // MARK: One message

    /// What handling a message decided, answered off the lane (acks published, then PUBACK).
    enum Outcome: Sendable {
        case rejected(GatewayRejection, topic: String)
        case accepted(Hash256, device: Address)
        /// A gateway-mode reading queued for attestation.
        case attested(AttestationTicket, device: Address, sequence: UInt64)
        /// A gateway-mode reading refused before attestation; its sequence number when it has one.
        case rejectedReading(GatewayRejection, device: Address, sequence: UInt64?)
        case unanswered
    }

    private func handle(_ message: MQTTPublish, pause: PauseClock) async -> Outcome {
        metrics.received.increment()
        switch GatewayTopic(parsing: message.topic) {
        case .readings(let device):
            let payload = Array(message.payload.readableBytesView)
            switch ReadingEnvelopeScreen.check(payload, device: device, chain: chainID) {
            case .failure(let rejection):
                return .rejected(rejection, topic: GatewayTopic.acks(device))
            case .success:
                switch await submit(payload, pause: pause) {
                case .success(let tx): return .accepted(tx, device: device)
                case .failure(let rejection): return .rejected(rejection, topic: GatewayTopic.acks(device))
                }
            }
        case .gatewayReadings(let device):
            guard let attestor else {
                return .rejected(GatewayRejection(tx: nil, code: "gateway-mode-unavailable",
                                                  message: "this gateway takes no gateway-mode (unsigned) readings"),
                                 topic: GatewayTopic.acks(device))
            }
            switch await attestor.take(Array(message.payload.readableBytesView), device: device) {
            case .failure(let refusal):
                return .rejectedReading(refusal.rejection, device: device, sequence: refusal.sequence)
            case .success(let taken):
                return .attested(taken.ticket, device: device, sequence: taken.sequence)
            }
        case .unknownDevice(let segment):
            let rejection = GatewayRejection(
                tx: nil, code: "unknown-topic", message: "a device is named by 40 lowercase hex characters, found \(segment)")
            if let topic = GatewayTopic.acks(segment: segment) { return .rejected(rejection, topic: topic) }
            metrics.rejected(rejection.code)
            return .unanswered
        case nil:
            metrics.rejected("unknown-topic")
            logger.debug("message on a topic the gateway does not serve", metadata: ["topic": "\(message.topic)"])
            return .unanswered
        }
    }

    /// Submits, waiting while the mempool is full (the message stays unacknowledged meanwhile, and
    /// the lane, and soon the whole inflight window, waits with it: back-pressure to the broker).
    private func submit(_ payload: [UInt8], pause: PauseClock) async -> Result<Hash256, GatewayRejection> {
        var paused = false
        defer { if paused { pause.resume() } }
        while true {
            do {
                return .success(try await ingress.submit(payload))
            } catch where error.code == "mempool-full" && !Task.isCancelled && !Task.isShuttingDownGracefully {
                if !paused {
                    paused = true
                    if pause.pause() { logger.debug("mempool full: gateway paused") }
                }
                try? await Task.sleep(for: configuration.retryInterval)
            } catch {
                return .failure(GatewayRejection(tx: SignedEnvelope.transactionID(of: payload), code: error.code,
                                                 message: error.message))
            }
        }
    }

    /// Publishes a message's ack; an admitted transaction is tracked for its committed ack only
    /// after its accepted ack went out, so the committed ack always follows it.
    private func answer(_ outcome: Outcome, tracker: Tracker) async {
        switch outcome {
        case .rejected(let rejection, let topic):
            await reject(rejection, topic: topic)
        case .accepted(let tx, let device):
            metrics.accepted.increment()
            await publish(.accepted(tx: tx), to: GatewayTopic.acks(device))
            let due = tracker.state.withLock { tracker in
                let before = tracker.evicted
                let due = tracker.accepted(tx, device: device)
                return (due, tracker.evicted - before)
            }
            if due.1 > 0 { metrics.untracked.increment(by: due.1) }
            if let ack = due.0 { await publishCommitted(ack) }
        case .rejectedReading(let rejection, let device, let sequence):
            metrics.rejected(rejection.code)
            logger.debug("rejected a gateway-mode reading", metadata: ["code": "\(rejection.code)", "device": "\(device)"])
            await publish(sequence.map(rejection.ack.json(sequence:)) ?? rejection.ack.json, to: GatewayTopic.acks(device))
        case .attested(let ticket, let device, let sequence):
            switch await ticket.outcome() {
            case .failure(let rejection):
                metrics.rejected(rejection.code)
                await publish(rejection.ack.json(sequence: sequence), to: GatewayTopic.acks(device))
            case .success(let tx):
                metrics.accepted.increment()
                await publish(GatewayAck.accepted(tx: tx).json(sequence: sequence), to: GatewayTopic.acks(device))
                let entry = AttestedCommitTracker.Entry(device: device, sequence: sequence)
                let due = tracker.attested.withLock { $0.accepted(tx, entries: [entry]) }
                for ack in due { await publishCommitted(ack) }
            }
        case .unanswered:
            break
        }
    }

    // MARK: Gateway mode

    /// Attests the queued gateway-mode readings every ``GatewayModeConfiguration/batchInterval``,
    /// one transaction at a time (consecutive nonces), waiting while the mempool is full.
    private func attest(with attestor: GatewayAttestor, tracker: Tracker, pause: PauseClock) async {
        let interval = configuration.gatewayMode?.batchInterval ?? .milliseconds(10)
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { break }
            while !Task.isCancelled {
                let next: (envelope: [UInt8], readings: [(reading: Reading, ticket: AttestationTicket)])?
                do {
                    next = try await attestor.nextAttestation()
                } catch {
                    logger.error("cannot build an attestation", metadata: ["error": "\(error)"])
                    continue
                }
                guard let next else { break }
                let outcome = await submit(next.envelope, pause: pause)
                switch outcome {
                case .success:
                    await attestor.admitted()
                case .failure(let rejection):
                    await attestor.refused(code: rejection.code)
                    logger.warning("attestation refused", metadata: ["code": "\(rejection.code)", "message": "\(rejection.message)"])
                }
                for entry in next.readings { entry.ticket.resolve(outcome) }
            }
        }
        await attestor.close()
    }

    // MARK: Acks

    private func reject(_ rejection: GatewayRejection, topic: String) async {
        metrics.rejected(rejection.code)
        logger.debug("rejected a message", metadata: ["code": "\(rejection.code)", "topic": "\(topic)"])
        await publish(rejection.ack, to: topic)
    }

    private func publishCommitted(_ due: CommitAckTracker.Due) async {
        metrics.committedAcks.increment()
        await publish(.committed(tx: due.tx, height: due.height), to: GatewayTopic.acks(due.device))
    }

    private func publishCommitted(_ due: AttestedCommitTracker.Due) async {
        metrics.committedAcks.increment()
        await publish(GatewayAck.committed(tx: due.tx, height: due.height).json(sequence: due.entry.sequence),
                      to: GatewayTopic.acks(due.entry.device))
    }

    private func publish(_ ack: GatewayAck, to topic: String) async {
        await publish(ack.json, to: topic)
    }

    private func publish(_ payload: [UInt8], to topic: String) async {
        do {
            try await client.publish(topic: topic, payload: payload, qos: .atLeastOnce)
        } catch {
            metrics.ackFailures.increment()
            logger.warning("could not publish an ack", metadata: ["topic": "\(topic)", "error": "\(error)"])
        }
    }
}

/// The tracker shared by the message loop and the commit loop.
final class Tracker: Sendable {
    let state: Mutex<CommitAckTracker>
    let attested = Mutex(AttestedCommitTracker())
    init(capacity: Int) { state = Mutex(CommitAckTracker(capacity: capacity)) }
}
