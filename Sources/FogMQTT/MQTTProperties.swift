import NIOCore

/// One MQTT 5 property (MQTT 5.0 §2.2.2.2). Every property the spec defines can be read and written;
/// which ones a packet may carry is checked by `MQTTProperties.decode(from:context:)`.
public enum MQTTProperty: Sendable, Equatable {
    case payloadFormatIndicator(UInt8)
    case messageExpiryInterval(UInt32)
    case contentType(String)
    case responseTopic(String)
    case correlationData([UInt8])
    case subscriptionIdentifier(UInt32)
    case sessionExpiryInterval(UInt32)
    case assignedClientIdentifier(String)
    case serverKeepAlive(UInt16)
    case authenticationMethod(String)
    case authenticationData([UInt8])
    case requestProblemInformation(UInt8)
    case willDelayInterval(UInt32)
    case requestResponseInformation(UInt8)
    case responseInformation(String)
    case serverReference(String)
    case reasonString(String)
    case receiveMaximum(UInt16)
    case topicAliasMaximum(UInt16)
    case topicAlias(UInt16)
    case maximumQoS(UInt8)
    case retainAvailable(UInt8)
    case userProperty(String, String)
    case maximumPacketSize(UInt32)
    case wildcardSubscriptionAvailable(UInt8)
    case subscriptionIdentifierAvailable(UInt8)
    case sharedSubscriptionAvailable(UInt8)

    /// The property identifier on the wire.
    public var identifier: UInt8 {
        switch self {
        case .payloadFormatIndicator: 0x01
        case .messageExpiryInterval: 0x02
        case .contentType: 0x03
        case .responseTopic: 0x08
        case .correlationData: 0x09
        case .subscriptionIdentifier: 0x0B
        case .sessionExpiryInterval: 0x11
        case .assignedClientIdentifier: 0x12
        case .serverKeepAlive: 0x13
        case .authenticationMethod: 0x15
        case .authenticationData: 0x16
        case .requestProblemInformation: 0x17
        case .willDelayInterval: 0x18
        case .requestResponseInformation: 0x19
        case .responseInformation: 0x1A
        case .serverReference: 0x1C
        case .reasonString: 0x1F
        case .receiveMaximum: 0x21
        case .topicAliasMaximum: 0x22
        case .topicAlias: 0x23
        case .maximumQoS: 0x24
        case .retainAvailable: 0x25
        case .userProperty: 0x26
        case .maximumPacketSize: 0x27
        case .wildcardSubscriptionAvailable: 0x28
        case .subscriptionIdentifierAvailable: 0x29
        case .sharedSubscriptionAvailable: 0x2A
        }
    }
}

/// Which packet a property list belongs to; each allows its own set of properties (MQTT 5.0 §2.2.2.2).
public enum MQTTPropertyContext: Sendable {
    case connect, will, connack, publish, puback, subscribe, suback, unsubscribe, unsuback, disconnect

    var allowed: [UInt8] {
        switch self {
        case .connect: [0x11, 0x15, 0x16, 0x17, 0x19, 0x21, 0x22, 0x26, 0x27]
        case .will: [0x01, 0x02, 0x03, 0x08, 0x09, 0x18, 0x26]
        case .connack:
            [0x11, 0x12, 0x13, 0x15, 0x16, 0x1A, 0x1C, 0x1F, 0x21, 0x22, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A]
        case .publish: [0x01, 0x02, 0x03, 0x08, 0x09, 0x0B, 0x23, 0x26]
        case .puback, .suback, .unsuback: [0x1F, 0x26]
        case .subscribe: [0x0B, 0x26]
        case .unsubscribe: [0x26]
        case .disconnect: [0x11, 0x1C, 0x1F, 0x26]
        }
    }

    /// User properties may repeat everywhere; subscription identifiers may repeat in PUBLISH only.
    func mayRepeat(_ identifier: UInt8) -> Bool {
        identifier == 0x26 || (identifier == 0x0B && self == .publish)
    }
}

/// An ordered MQTT 5 property list (wire order is kept, so round trips are exact).
public struct MQTTProperties: Sendable, Equatable {
    public var items: [MQTTProperty]

    public init(_ items: [MQTTProperty] = []) { self.items = items }

    public var isEmpty: Bool { items.isEmpty }

    public var sessionExpiryInterval: UInt32? {
        for case .sessionExpiryInterval(let v) in items { return v }
        return nil
    }
    public var receiveMaximum: UInt16? {
        for case .receiveMaximum(let v) in items { return v }
        return nil
    }
    public var maximumPacketSize: UInt32? {
        for case .maximumPacketSize(let v) in items { return v }
        return nil
    }
    public var topicAliasMaximum: UInt16? {
        for case .topicAliasMaximum(let v) in items { return v }
        return nil
    }
    public var serverKeepAlive: UInt16? {
        for case .serverKeepAlive(let v) in items { return v }
        return nil
    }
    public var assignedClientIdentifier: String? {
        for case .assignedClientIdentifier(let v) in items { return v }
        return nil
    }
    public var maximumQoS: UInt8? {
        for case .maximumQoS(let v) in items { return v }
        return nil
    }
    public var reasonString: String? {
        for case .reasonString(let v) in items { return v }
        return nil
    }
    public var contentType: String? {
        for case .contentType(let v) in items { return v }
        return nil
    }
    public var messageExpiryInterval: UInt32? {
        for case .messageExpiryInterval(let v) in items { return v }
        return nil
    }
    public var userProperties: [(String, String)] {
        var out: [(String, String)] = []
        for case .userProperty(let k, let v) in items { out.append((k, v)) }
        return out
    }

    // MARK: wire

    /// The length of the encoded list without its variable-byte-integer prefix.
    func encodedLength() -> Int {
        var n = 0
        for p in items {
            n += 1
            switch p {
            case .payloadFormatIndicator, .requestProblemInformation, .requestResponseInformation, .maximumQoS,
                 .retainAvailable, .wildcardSubscriptionAvailable, .subscriptionIdentifierAvailable,
                 .sharedSubscriptionAvailable:
                n += 1
            case .serverKeepAlive, .receiveMaximum, .topicAliasMaximum, .topicAlias: n += 2
            case .messageExpiryInterval, .sessionExpiryInterval, .willDelayInterval, .maximumPacketSize: n += 4
            case .subscriptionIdentifier(let v): n += MQTTWire.variableByteIntegerLength(Int(v))
            case .contentType(let s), .responseTopic(let s), .assignedClientIdentifier(let s),
                 .authenticationMethod(let s), .responseInformation(let s), .serverReference(let s),
                 .reasonString(let s):
                n += 2 + s.utf8.count
            case .correlationData(let b), .authenticationData(let b): n += 2 + b.count
            case .userProperty(let k, let v): n += 4 + k.utf8.count + v.utf8.count
            }
        }
        return n
    }

    func encode(into buffer: inout ByteBuffer) throws(MQTTCodecError) {
        try MQTTWire.writeVariableByteInteger(encodedLength(), into: &buffer)
        for p in items {
            buffer.writeInteger(p.identifier)
            switch p {
            case .payloadFormatIndicator(let v), .requestProblemInformation(let v), .requestResponseInformation(let v),
                 .maximumQoS(let v), .retainAvailable(let v), .wildcardSubscriptionAvailable(let v),
                 .subscriptionIdentifierAvailable(let v), .sharedSubscriptionAvailable(let v):
                buffer.writeInteger(v)
            case .serverKeepAlive(let v), .receiveMaximum(let v), .topicAliasMaximum(let v), .topicAlias(let v):
                buffer.writeInteger(v)
            case .messageExpiryInterval(let v), .sessionExpiryInterval(let v), .willDelayInterval(let v),
                 .maximumPacketSize(let v):
                buffer.writeInteger(v)
            case .subscriptionIdentifier(let v): try MQTTWire.writeVariableByteInteger(Int(v), into: &buffer)
            case .contentType(let s), .responseTopic(let s), .assignedClientIdentifier(let s),
                 .authenticationMethod(let s), .responseInformation(let s), .serverReference(let s),
                 .reasonString(let s):
                try MQTTWire.writeString(s, into: &buffer)
            case .correlationData(let b), .authenticationData(let b): try MQTTWire.writeBinary(b, into: &buffer)
            case .userProperty(let k, let v):
                try MQTTWire.writeString(k, into: &buffer)
                try MQTTWire.writeString(v, into: &buffer)
            }
        }
    }

    /// Reads a property list, rejecting unknown identifiers, properties the packet may not carry,
    /// forbidden repeats and out-of-range values (all malformed packets or protocol errors in MQTT 5.0).
    static func decode(from buffer: inout ByteBuffer, context: MQTTPropertyContext) throws(MQTTCodecError)
        -> MQTTProperties
    {
        let length = try MQTTWire.readVariableByteInteger(from: &buffer)
        guard var slice = buffer.readSlice(length: length) else { throw .truncated }
        var items: [MQTTProperty] = []
        var seen: [UInt8] = []
        while slice.readableBytes > 0 {
            let id: UInt8 = try MQTTWire.readInteger(from: &slice)
            let property: MQTTProperty
            switch id {
            case 0x01: property = .payloadFormatIndicator(try Self.readFlag(id, &slice))
            case 0x02: property = .messageExpiryInterval(try MQTTWire.readInteger(from: &slice))
            case 0x03: property = .contentType(try MQTTWire.readString(from: &slice))
            case 0x08:
                let topic = try MQTTWire.readString(from: &slice)
                guard MQTTTopic.isValidName(topic) else { throw .invalidPropertyValue(id) }
                property = .responseTopic(topic)
            case 0x09: property = .correlationData(try MQTTWire.readBinary(from: &slice))
            case 0x0B:
                let v = try MQTTWire.readVariableByteInteger(from: &slice)
                guard v != 0 else { throw .invalidPropertyValue(id) }
                property = .subscriptionIdentifier(UInt32(v))
            case 0x11: property = .sessionExpiryInterval(try MQTTWire.readInteger(from: &slice))
            case 0x12: property = .assignedClientIdentifier(try MQTTWire.readString(from: &slice))
            case 0x13: property = .serverKeepAlive(try MQTTWire.readInteger(from: &slice))
            case 0x15: property = .authenticationMethod(try MQTTWire.readString(from: &slice))
            case 0x16: property = .authenticationData(try MQTTWire.readBinary(from: &slice))
            case 0x17: property = .requestProblemInformation(try Self.readFlag(id, &slice))
            case 0x18: property = .willDelayInterval(try MQTTWire.readInteger(from: &slice))
            case 0x19: property = .requestResponseInformation(try Self.readFlag(id, &slice))
            case 0x1A: property = .responseInformation(try MQTTWire.readString(from: &slice))
            case 0x1C: property = .serverReference(try MQTTWire.readString(from: &slice))
            case 0x1F: property = .reasonString(try MQTTWire.readString(from: &slice))
            case 0x21:
                let v: UInt16 = try MQTTWire.readInteger(from: &slice)
                guard v != 0 else { throw .invalidPropertyValue(id) }
                property = .receiveMaximum(v)
            case 0x22: property = .topicAliasMaximum(try MQTTWire.readInteger(from: &slice))
            case 0x23:
                let v: UInt16 = try MQTTWire.readInteger(from: &slice)
                guard v != 0 else { throw .invalidPropertyValue(id) }
                property = .topicAlias(v)
            case 0x24: property = .maximumQoS(try Self.readFlag(id, &slice))
            case 0x25: property = .retainAvailable(try Self.readFlag(id, &slice))
            case 0x26:
                let k = try MQTTWire.readString(from: &slice)
                property = .userProperty(k, try MQTTWire.readString(from: &slice))
            case 0x27:
                let v: UInt32 = try MQTTWire.readInteger(from: &slice)
                guard v != 0 else { throw .invalidPropertyValue(id) }
                property = .maximumPacketSize(v)
            case 0x28: property = .wildcardSubscriptionAvailable(try Self.readFlag(id, &slice))
            case 0x29: property = .subscriptionIdentifierAvailable(try Self.readFlag(id, &slice))
            case 0x2A: property = .sharedSubscriptionAvailable(try Self.readFlag(id, &slice))
            default: throw .unknownProperty(id)
            }
            guard context.allowed.contains(id) else { throw .propertyNotAllowed(id) }
            if seen.contains(id) && !context.mayRepeat(id) { throw .duplicateProperty(id) }
            seen.append(id)
            items.append(property)
        }
        return MQTTProperties(items)
    }

    /// A byte property whose only values are 0 and 1.
    private static func readFlag(_ id: UInt8, _ buffer: inout ByteBuffer) throws(MQTTCodecError) -> UInt8 {
        let v: UInt8 = try MQTTWire.readInteger(from: &buffer)
        guard v <= 1 else { throw .invalidPropertyValue(id) }
        return v
    }
}
