public import FogCrypto
public import FogTypes
import FogMQTT
import Foundation
import NIOCore
import NIOSSL

/// The gateway's answer to one gateway-mode reading (spec/gateway.md §2 and §5), matched by `seq`.
public struct HMACReadingAck: Hashable, Sendable {
    /// accepted, committed or rejected.
    public let status: String
    /// The reading's sequence number.
    public let sequence: UInt64
    /// The attestation that carries it, when there is one.
    public let tx: Hash256?
    /// The block height of a committed ack.
    public let height: UInt64?
    /// The code of a rejected ack.
    public let code: String?
    /// The message of a rejected ack.
    public let message: String?

    /// The ack in `payload`, or nil when it is no gateway-mode ack.
    public static func parse(_ payload: [UInt8]) -> HMACReadingAck? {
        guard payload.count <= AckMessage.maxBytes,
              let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
              let status = object["status"] as? String, let sequence = object["seq"] as? NSNumber, sequence.int64Value >= 0
        else { return nil }
        return HMACReadingAck(status: status, sequence: sequence.uint64Value,
                              tx: (object["tx"] as? String).flatMap { Hash256(hex: $0) },
                              height: (object["height"] as? NSNumber)?.uint64Value,
                              code: object["code"] as? String, message: object["message"] as? String)
    }
}

/// A device that cannot sign, talking to its gateway (spec/gateway.md §5): each reading goes with
/// QoS 1 to `fogledger/v1/gateway/devices/{device}/readings` as an HMAC-tagged message under the
/// key it shares with the gateway; the gateway's answers, matched by sequence number, arrive on
/// ``acks``.
public final class HMACDeviceClient: Sendable {
    /// The device.
    public let device: Address
    /// The gateway's answers.
    public let acks: AsyncStream<HMACReadingAck>
    private let continuation: AsyncStream<HMACReadingAck>.Continuation
    private let key: [UInt8]
    private let client: MQTTClient

    /// The topic a gateway-mode device publishes its readings on.
    public static func readingsTopic(_ device: Address) -> String { "fogledger/v1/gateway/devices/\(device.hex)/readings" }

    /// A device `device` with HMAC key `key`, through `broker`.
    public init(broker: BrokerAddress, device: Address, key: [UInt8], username: String? = nil, password: String? = nil) {
        self.device = device
        self.key = key
        (acks, continuation) = AsyncStream.makeStream(of: HMACReadingAck.self)
        client = MQTTClient(configuration: MQTTClientConfiguration(
            host: broker.host, port: broker.port, clientID: "fogledger-hmac-\(device.hex.prefix(16))-\(UInt32.random(in: 0...UInt32.max))",
            username: username, password: password.map { Array($0.utf8) }, keepAliveSeconds: 30,
            connectTimeout: .seconds(5), tls: broker.tls ? TLSConfiguration.makeClientConfiguration() : nil))
    }

    /// Connects and listens to the device's acks topic.
    public func connect() async throws {
        try await client.connect()
        let messages = try await client.subscribe(DeviceTopics.acks(device), qos: .atLeastOnce)
        let continuation = self.continuation
        Task {
            for await message in messages {
                if let ack = HMACReadingAck.parse(Array(message.payload.readableBytesView)) { continuation.yield(ack) }
            }
            continuation.finish()
        }
    }

    /// Publishes `reading` (of this device, naming no gateway) with its HMAC tag.
    public func send(_ reading: Reading) async throws {
        let message = try HMACReading(reading).message(key: key)
        try await client.publish(topic: Self.readingsTopic(device), payload: message, qos: .atLeastOnce)
    }

    /// Disconnects; ``acks`` ends.
    public func close() async {
        await client.disconnect()
        continuation.finish()
    }
}
