public import NIOCore

/// The protocol level sent in CONNECT: 4 for MQTT 3.1.1, 5 for MQTT 5.0.
public enum MQTTVersion: UInt8, Sendable, Equatable {
    case v3_1_1 = 4
    case v5 = 5
}

/// Quality of service. QoS 2 is not implemented (spec/mqtt.md).
public enum MQTTQoS: UInt8, Sendable, Equatable, Comparable {
    case atMostOnce = 0
    case atLeastOnce = 1

    public static func < (a: MQTTQoS, b: MQTTQoS) -> Bool { a.rawValue < b.rawValue }
}

/// Named limits of the codec and client.
public enum MQTTLimits {
    /// The largest packet (fixed header included) the decoder accepts unless told otherwise: 1 MiB.
    public static let defaultMaximumPacketSize = 1 << 20
    /// The largest value a 4-byte variable byte integer can hold (268,435,455).
    public static let maximumVariableByteInteger = 268_435_455
    /// The largest UTF-8 string or binary field: a two-byte length prefix.
    public static let maximumStringLength = 65_535
    /// Unacknowledged outgoing QoS 1 publishes per connection unless told otherwise.
    public static let defaultInflightWindow = 32
    /// Subscription messages buffered per `subscribe` stream before the oldest are dropped.
    public static let defaultSubscriptionBuffer = 4_096
}

public struct MQTTWill: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: MQTTQoS
    public var retain: Bool
    /// MQTT 5 only.
    public var properties: MQTTProperties

    public init(topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false,
                properties: MQTTProperties = MQTTProperties()) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.properties = properties
    }
}

public struct MQTTConnect: Sendable, Equatable {
    public var version: MQTTVersion
    public var clientID: String
    /// "Clean session" in 3.1.1, "clean start" in 5.0.
    public var cleanStart: Bool
    public var keepAliveSeconds: UInt16
    public var username: String?
    public var password: [UInt8]?
    public var will: MQTTWill?
    public var properties: MQTTProperties

    public init(version: MQTTVersion, clientID: String, cleanStart: Bool = true, keepAliveSeconds: UInt16 = 60,
                username: String? = nil, password: [UInt8]? = nil, will: MQTTWill? = nil,
                properties: MQTTProperties = MQTTProperties()) {
        self.version = version
        self.clientID = clientID
        self.cleanStart = cleanStart
        self.keepAliveSeconds = keepAliveSeconds
        self.username = username
        self.password = password
        self.will = will
        self.properties = properties
    }
}

public struct MQTTConnAck: Sendable, Equatable {
    public var sessionPresent: Bool
    /// The 3.1.1 return code (0 accepted, 1–5 refused) or the 5.0 reason code (0 success, ≥ 0x80 failure).
    public var reasonCode: UInt8
    public var properties: MQTTProperties

    public init(sessionPresent: Bool = false, reasonCode: UInt8 = 0, properties: MQTTProperties = MQTTProperties()) {
        self.sessionPresent = sessionPresent
        self.reasonCode = reasonCode
        self.properties = properties
    }
}

public struct MQTTPublish: Sendable, Equatable {
    public var topic: String
    public var payload: ByteBuffer
    public var qos: MQTTQoS
    public var retain: Bool
    public var dup: Bool
    /// Present exactly when `qos` is `.atLeastOnce`.
    public var packetID: UInt16?
    public var properties: MQTTProperties

    public init(topic: String, payload: ByteBuffer, qos: MQTTQoS = .atMostOnce, retain: Bool = false, dup: Bool = false,
                packetID: UInt16? = nil, properties: MQTTProperties = MQTTProperties()) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.dup = dup
        self.packetID = packetID
        self.properties = properties
    }
}

public struct MQTTPubAck: Sendable, Equatable {
    public var packetID: UInt16
    /// MQTT 5 reason code; always 0 in 3.1.1.
    public var reasonCode: UInt8
    public var properties: MQTTProperties

    public init(packetID: UInt16, reasonCode: UInt8 = 0, properties: MQTTProperties = MQTTProperties()) {
        self.packetID = packetID
        self.reasonCode = reasonCode
        self.properties = properties
    }
}

public struct MQTTSubscription: Sendable, Equatable {
    public var filter: String
    public var qos: MQTTQoS
    /// MQTT 5 subscription options.
    public var noLocal: Bool
    public var retainAsPublished: Bool
    public var retainHandling: UInt8

    public init(filter: String, qos: MQTTQoS = .atLeastOnce, noLocal: Bool = false, retainAsPublished: Bool = false,
                retainHandling: UInt8 = 0) {
        self.filter = filter
        self.qos = qos
        self.noLocal = noLocal
        self.retainAsPublished = retainAsPublished
        self.retainHandling = retainHandling
    }
}

public struct MQTTSubscribe: Sendable, Equatable {
    public var packetID: UInt16
    public var subscriptions: [MQTTSubscription]
    public var properties: MQTTProperties

    public init(packetID: UInt16, subscriptions: [MQTTSubscription], properties: MQTTProperties = MQTTProperties()) {
        self.packetID = packetID
        self.subscriptions = subscriptions
        self.properties = properties
    }
}

public struct MQTTSubAck: Sendable, Equatable {
    public var packetID: UInt16
    /// One per requested filter: the granted QoS (0, 1, 2) or a failure code (≥ 0x80).
    public var reasonCodes: [UInt8]
    public var properties: MQTTProperties

    public init(packetID: UInt16, reasonCodes: [UInt8], properties: MQTTProperties = MQTTProperties()) {
        self.packetID = packetID
        self.reasonCodes = reasonCodes
        self.properties = properties
    }
}

public struct MQTTUnsubscribe: Sendable, Equatable {
    public var packetID: UInt16
    public var filters: [String]
    public var properties: MQTTProperties

    public init(packetID: UInt16, filters: [String], properties: MQTTProperties = MQTTProperties()) {
        self.packetID = packetID
        self.filters = filters
        self.properties = properties
    }
}

public struct MQTTUnsubAck: Sendable, Equatable {
    public var packetID: UInt16
    /// MQTT 5 only: one reason code per filter. Empty in 3.1.1.
    public var reasonCodes: [UInt8]
    public var properties: MQTTProperties

    public init(packetID: UInt16, reasonCodes: [UInt8] = [], properties: MQTTProperties = MQTTProperties()) {
        self.packetID = packetID
        self.reasonCodes = reasonCodes
        self.properties = properties
    }
}

public struct MQTTDisconnect: Sendable, Equatable {
    /// MQTT 5 reason code; 0 (normal disconnection) in 3.1.1.
    public var reasonCode: UInt8
    public var properties: MQTTProperties

    public init(reasonCode: UInt8 = 0, properties: MQTTProperties = MQTTProperties()) {
        self.reasonCode = reasonCode
        self.properties = properties
    }
}

/// One MQTT control packet. PUBREC, PUBREL, PUBCOMP (QoS 2) and AUTH are not implemented.
public enum MQTTPacket: Sendable, Equatable {
    case connect(MQTTConnect)
    case connack(MQTTConnAck)
    case publish(MQTTPublish)
    case puback(MQTTPubAck)
    case subscribe(MQTTSubscribe)
    case suback(MQTTSubAck)
    case unsubscribe(MQTTUnsubscribe)
    case unsuback(MQTTUnsubAck)
    case pingreq
    case pingresp
    case disconnect(MQTTDisconnect)
}

/// Everything malformed or forbidden in a received (or to-be-sent) packet. Any of these from the broker is a
/// protocol violation: the client closes the connection.
public enum MQTTCodecError: Error, Sendable, Equatable {
    /// A fifth remaining-length byte, or a variable byte integer longer than 4 bytes.
    case malformedVariableByteInteger
    /// The packet (fixed header included) is larger than the named maximum.
    case packetTooLarge(size: Int, maximum: Int)
    /// Packet type 0, or AUTH (15) in 3.1.1.
    case reservedPacketType(UInt8)
    /// PUBREC, PUBREL, PUBCOMP, AUTH: valid MQTT, not implemented here.
    case unsupportedPacketType(UInt8)
    /// Fixed-header flags that the spec reserves.
    case reservedFlags(packetType: UInt8, flags: UInt8)
    /// A field runs past the remaining length.
    case truncated
    /// Bytes left over after a packet that has no payload of variable length.
    case trailingBytes
    case invalidUTF8
    /// A topic name that is empty or contains `+`, `#` or U+0000.
    case invalidTopicName(String)
    case invalidTopicFilter(String)
    case invalidQoS(UInt8)
    /// QoS 2: valid MQTT, not implemented here.
    case unsupportedQoS
    case zeroPacketIdentifier
    case invalidProtocolName
    case unsupportedProtocolLevel(UInt8)
    case invalidConnectFlags(UInt8)
    case invalidConnAckFlags(UInt8)
    case invalidSubscriptionOptions(UInt8)
    case noSubscriptions
    case invalidReturnCode(UInt8)
    case unknownProperty(UInt8)
    case duplicateProperty(UInt8)
    case propertyNotAllowed(UInt8)
    case invalidPropertyValue(UInt8)
    /// A string or binary field over 65,535 bytes (encoding only).
    case fieldTooLong
}
