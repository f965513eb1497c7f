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
/// Backpressure: a message is acknowledged to the broker (PUBACK) only once it is handled, and the
/// gateway announces a Receive Maximum of ``unacknowledgedLimit``, so a broker that honours it keeps
/// the rest; what a broker sends beyond it waits in a bounded buffer (``subscriptionBuffer``). While the mempool is full the gateway
/// keeps the message in hand and submits again every ``GatewayConfiguration/retryInterval``. One
/// bad message is one rejected ack, never a dropped connection.
public struct GatewayService: Service {
    /// Messages the gateway asks the broker to leave unacknowledged at most (its Receive Maximum).
    public static let unacknowledgedLimit: UInt16 = 256
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

    /// A gateway submitting to `ingress`, a node of chain `chainID`.
    public init(ingress: any LedgerIngress, chainID: ChainID, configuration: GatewayConfiguration,
                metrics: GatewayMetrics, logger: Logger) {
        self.ingress = ingress
        self.chainID = chainID
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
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
        let messages = try await client.subscribe([MQTTSubscription(filter: configuration.readingsFilter, qos: .atLeastOnce)])
        logger.info("gateway subscribed", metadata: [
            "broker": "\(configuration.broker)", "filter": "\(configuration.readingsFilter)",
        ])
        let tracker = Tracker(capacity: configuration.pendingCapacity)
        let client = self.client
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await message in messages {
                        await handle(message, tracker: tracker)
                        await client.acknowledge(message)
                    }
                    if !Task.isShuttingDownGracefully {
                        let statistics = await client.statistics
                        logger.warning("the broker connection ended", metadata: ["statistics": "\(statistics)"])
                    }
                }
                group.addTask {
                    defer { logger.debug("commit loop ended") }
                    for await block in commits {
                        let due = tracker.state.withLock { $0.committed(height: block.height, ids: block.ids) }
                        for ack in due { await publishCommitted(ack) }
                    }
                }
                // Either loop ending (the connection closed for good, or the node stopped) ends both.
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            Task { await client.disconnect() }
        }
        let statistics = await client.statistics
        await client.disconnect()
        logger.info("gateway stopped", metadata: ["statistics": "\(statistics)"])
    }

    // MARK: One message

    private func handle(_ message: MQTTPublish, tracker: Tracker) async {
        metrics.received.increment()
        switch GatewayTopic(parsing: message.topic) {
        case .readings(let device):
            let payload = Array(message.payload.readableBytesView)
            switch ReadingEnvelopeScreen.check(payload, device: device, chain: chainID) {
            case .failure(let rejection):
                await reject(rejection, topic: GatewayTopic.acks(device))
            case .success:
                await submit(payload, device: device, tracker: tracker)
            }
        case .gatewayReadings(let device):
            await reject(GatewayRejection(tx: nil, code: "gateway-mode-unavailable",
                                          message: "this gateway takes no gateway-mode (unsigned) readings"),
                         topic: GatewayTopic.acks(device))
        case .unknownDevice(let segment):
            let rejection = GatewayRejection(
                tx: nil, code: "unknown-topic", message: "a device is named by 40 lowercase hex characters, found \(segment)")
            if let topic = GatewayTopic.acks(segment: segment) {
                await reject(rejection, topic: topic)
            } else {
                metrics.rejected(rejection.code)
            }
        case nil:
            metrics.rejected("unknown-topic")
            logger.debug("message on a topic the gateway does not serve", metadata: ["topic": "\(message.topic)"])
        }
    }

    /// Submits, waiting while the mempool is full (the message stays unacknowledged meanwhile).
    private func submit(_ payload: [UInt8], device: Address, tracker: Tracker) async {
        let clock = ContinuousClock()
        var pausedSince: ContinuousClock.Instant?
        defer {
            if let pausedSince {
                let elapsed = clock.now - pausedSince
                metrics.pausedSeconds.increment(by: Double(elapsed.components.seconds)
                    + Double(elapsed.components.attoseconds) / 1e18)
                metrics.paused.record(0)
            }
        }
        while true {
            let tx: Hash256
            do {
                tx = try await ingress.submit(payload)
            } catch where error.code == "mempool-full" && !Task.isCancelled && !Task.isShuttingDownGracefully {
                if pausedSince == nil {
                    pausedSince = clock.now
                    metrics.paused.record(1)
                    logger.debug("mempool full: gateway paused")
                }
                try? await Task.sleep(for: configuration.retryInterval)
                continue
            } catch {
                await reject(GatewayRejection(tx: SignedEnvelope.transactionID(of: payload), code: error.code,
                                              message: error.message),
                             topic: GatewayTopic.acks(device))
                return
            }
            metrics.accepted.increment()
            await publish(.accepted(tx: tx), to: GatewayTopic.acks(device))
            let due = tracker.state.withLock { tracker in
                let before = tracker.evicted
                let due = tracker.accepted(tx, device: device)
                return (due, tracker.evicted - before)
            }
            if due.1 > 0 { metrics.untracked.increment(by: due.1) }
            if let ack = due.0 { await publishCommitted(ack) }
            return
        }
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

    private func publish(_ ack: GatewayAck, to topic: String) async {
        do {
            try await client.publish(topic: topic, payload: ack.json, qos: .atLeastOnce)
        } catch {
            metrics.ackFailures.increment()
            logger.warning("could not publish an ack", metadata: ["topic": "\(topic)", "error": "\(error)"])
        }
    }
}

/// The tracker shared by the message loop and the commit loop.
final class Tracker: Sendable {
    let state: Mutex<CommitAckTracker>
    init(capacity: Int) { state = Mutex(CommitAckTracker(capacity: capacity)) }
}
