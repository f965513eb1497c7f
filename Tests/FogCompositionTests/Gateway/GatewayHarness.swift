import FogAPI
import FogCrypto
import FogGateway
import FogMQTT
import FogNode
import FogTypes
import Foundation
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import Synchronization

/// A real Mosquitto, an in-process dev node with its block producer and MQTT gateway, and a device
/// client subscribed to every acks topic. `stop()` shuts it all down.
struct GatewayHarness {
    let broker: LocalMosquitto
    let chain: DevChain
    let registry: PrometheusCollectorRegistry
    let group: ServiceGroup
    let running: Task<Void, any Error>
    let device: MQTTClient
    let acks: AckInbox

    init(limits: MempoolLimits = MempoolLimits(), minBlockInterval: Duration = .milliseconds(10),
         ackBuffer: Int = MQTTLimits.defaultSubscriptionBuffer,
         gatewayMode: ((DevNode, String) -> GatewayModeConfiguration)? = nil) async throws {
        broker = try await LocalMosquitto()
        var started: (ServiceGroup, Task<Void, any Error>)?
        do {
            var logger = Logger(label: "gateway-test")
            logger.logLevel = ProcessInfo.processInfo.environment["FOGLEDGER_GATEWAY_LOG"] != nil ? .info : .warning
            chain = try DevChain(limits: limits, minBlockInterval: minBlockInterval, logger: logger)
            registry = PrometheusCollectorRegistry()
            let api = NodeAPI(node: chain.node, registry: registry)
            var configuration = GatewayConfiguration(broker: try BrokerURL("mqtt://127.0.0.1:\(broker.port)"),
                                                     clientID: "gateway-under-test")
            configuration.gatewayMode = gatewayMode?(chain.node, broker.directory.appendingPathComponent("gateway-keys").path)
            let gateway = GatewayService(
                ingress: chain.node, chainID: DevChain.chainID,
                configuration: configuration,
                metrics: GatewayMetrics(factory: api.metrics.factory), logger: logger)
            let producer = BlockProducerService(node: chain.node, pollInterval: .milliseconds(2), logger: logger)
            group = ServiceGroup(configuration: ServiceGroupConfiguration(
                services: [.init(service: producer), .init(service: gateway)], logger: logger))
            let group = self.group
            running = Task { try await group.run() }
            started = (group, running)
            device = MQTTClient(configuration: MQTTClientConfiguration(
                host: "127.0.0.1", port: broker.port, clientID: "device-\(UUID().uuidString)",
                subscriptionBuffer: ackBuffer))
            try await device.connect()
            acks = AckInbox(try await device.subscribe("fogledger/v1/devices/+/acks", qos: .atLeastOnce))
            // The gateway's subscription is in place once it answers: an unknown device's message
            // gets a rejected ack.
            let probe = "fogledger/v1/devices/probe/readings"
            let (device, acks) = (self.device, self.acks)
            try await withDeadline(10, "the gateway's first ack") {
                while true {
                    try await device.publish(topic: probe, payload: [0], qos: .atLeastOnce)
                    if (try? await acks.next(on: "fogledger/v1/devices/probe/acks", seconds: 0.3)) != nil { return }
                }
            }
        } catch {
            if let (group, running) = started {
                await group.triggerGracefulShutdown()
                _ = await running.result
            }
            broker.stop()
            throw error
        }
    }

    /// Registers `key` as a device through the node and waits for its block.
    func register(_ key: PrivateKey, nonce: UInt64) async throws {
        let id = try await chain.node.submit(DevChain.registration(key, nonce: nonce))
        try await withDeadline(10, "registration committed") {
            while true {
                if case .committed = try await chain.node.status(of: id) { return }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    /// The gateway's metrics in Prometheus text.
    func metricsText() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    func stop() async {
        await device.disconnect()
        await group.triggerGracefulShutdown()
        _ = await running.result
        broker.stop()
    }
}

/// The acks the device client received, parsed, waited for by topic.
final class AckInbox: Sendable {
    struct Ack: Sendable {
        let topic: String
        let status: String
        let tx: String?
        let height: Int?
        let code: String?
        /// The message of a rejected ack.
        let message: String?
        /// The sequence number of a gateway-mode reading's ack.
        let seq: Int?
        /// When the device client received it.
        let arrival: ContinuousClock.Instant
    }

    private final class Received: Sendable {
        let acks = Mutex<[Ack]>([])
    }

    private let received = Received()
    private let reader: Task<Void, Never>

    init(_ stream: AsyncStream<MQTTPublish>) {
        let received = self.received
        reader = Task {
            for await message in stream {
                let object = (try? JSONSerialization.jsonObject(with: Data(message.payload.readableBytesView)))
                    as? [String: Any] ?? [:]
                let ack = Ack(topic: message.topic, status: object["status"] as? String ?? "invalid-json",
                              tx: object["tx"] as? String, height: object["height"] as? Int,
                              code: object["code"] as? String, message: object["message"] as? String,
                              seq: object["seq"] as? Int, arrival: .now)
                received.acks.withLock { $0.append(ack) }
            }
        }
    }

    deinit { reader.cancel() }

    /// Every ack received so far.
    var all: [Ack] { received.acks.withLock { $0 } }

    /// Takes the first ack on `topic` (with `status`, when given) out of the inbox, waiting up to `seconds`.
    func next(on topic: String, status: String? = nil, seconds: Double = 10) async throws -> Ack {
        try await withDeadline(seconds, "an ack on \(topic)") { [self] in
            while true {
                let found: Ack? = received.acks.withLock { acks in
                    acks.firstIndex { $0.topic == topic && (status == nil || $0.status == status) }.map { acks.remove(at: $0) }
                }
                if let found { return found }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    /// Takes the first ack of gateway-mode reading `seq` on `topic` with `status` out of the inbox.
    func next(on topic: String, seq: Int, status: String, seconds: Double = 15) async throws -> Ack {
        try await withDeadline(seconds, "\(status) ack of seq \(seq) on \(topic)") { [self] in
            while true {
                let found: Ack? = received.acks.withLock { acks in
                    acks.firstIndex { $0.topic == topic && $0.seq == seq && $0.status == status }.map { acks.remove(at: $0) }
                }
                if let found { return found }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    /// The first ack for transaction `tx` with `status`, waiting up to `seconds`.
    func waitFor(tx: String, status: String, seconds: Double = 10) async throws -> Ack {
        try await withDeadline(seconds, "\(status) ack of \(tx)") { [self] in
            while true {
                if let ack = all.first(where: { $0.tx == tx && $0.status == status }) { return ack }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }
}

struct DeadlinePassed: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Runs `body`, failing with `DeadlinePassed` after `seconds`.
func withDeadline<T: Sendable>(_ seconds: Double, _ what: String,
                               _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw DeadlinePassed(what: what)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
