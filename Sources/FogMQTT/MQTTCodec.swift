public import NIOCore

extension MQTTPacket {
    /// The control packet type in the high nibble of the first byte.
    public var packetType: UInt8 {
        switch self {
        case .connect: 1
        case .connack: 2
        case .publish: 3
        case .puback: 4
        case .subscribe: 8
        case .suback: 9
        case .unsubscribe: 10
        case .unsuback: 11
        case .pingreq: 12
        case .pingresp: 13
        case .disconnect: 14
        }
    }

    /// Writes the whole packet (fixed header, variable header, payload). A CONNECT is written in its own
    /// `version`; every other packet in `version`.
    public func encode(version: MQTTVersion, into buffer: inout ByteBuffer) throws(MQTTCodecError) {
        var body = ByteBuffer()
        var flags: UInt8 = 0
        let v5 = version == .v5
        switch self {
        case .connect(let c):
            try Self.writeConnect(c, into: &body)
        case .connack(let c):
            body.writeInteger(UInt8(c.sessionPresent ? 1 : 0))
            body.writeInteger(c.reasonCode)
            if v5 { try c.properties.encode(into: &body) }
        case .publish(let p):
            guard MQTTTopic.isValidName(p.topic) else { throw .invalidTopicName(p.topic) }
            flags = (p.dup ? 0x08 : 0) | (p.qos.rawValue << 1) | (p.retain ? 1 : 0)
            try MQTTWire.writeString(p.topic, into: &body)
            if p.qos == .atLeastOnce {
                guard let id = p.packetID, id != 0 else { throw .zeroPacketIdentifier }
                body.writeInteger(id)
            }
            if v5 { try p.properties.encode(into: &body) }
            body.writeImmutableBuffer(p.payload)
        case .puback(let a):
            body.writeInteger(a.packetID)
            if v5 && (a.reasonCode != 0 || !a.properties.isEmpty) {
                body.writeInteger(a.reasonCode)
                if !a.properties.isEmpty { try a.properties.encode(into: &body) }
            }
        case .subscribe(let s):
            flags = 0b0010
            guard !s.subscriptions.isEmpty else { throw .noSubscriptions }
            body.writeInteger(s.packetID)
            if v5 { try s.properties.encode(into: &body) }
            for sub in s.subscriptions {
                guard MQTTTopic.isValidFilter(sub.filter) else { throw .invalidTopicFilter(sub.filter) }
                try MQTTWire.writeString(sub.filter, into: &body)
                var options = sub.qos.rawValue
                if v5 {
                    options |= (sub.noLocal ? 0x04 : 0) | (sub.retainAsPublished ? 0x08 : 0)
                        | ((sub.retainHandling & 0x03) << 4)
                }
                body.writeInteger(options)
            }
        case .suback(let s):
            body.writeInteger(s.packetID)
            if v5 { try s.properties.encode(into: &body) }
            body.writeBytes(s.reasonCodes)
        case .unsubscribe(let u):
            flags = 0b0010
            guard !u.filters.isEmpty else { throw .noSubscriptions }
            body.writeInteger(u.packetID)
            if v5 { try u.properties.encode(into: &body) }
            for f in u.filters {
                guard MQTTTopic.isValidFilter(f) else { throw .invalidTopicFilter(f) }
                try MQTTWire.writeString(f, into: &body)
            }
        case .unsuback(let u):
            body.writeInteger(u.packetID)
            if v5 {
                try u.properties.encode(into: &body)
                body.writeBytes(u.reasonCodes)
            }
        case .pingreq, .pingresp:
            break
        case .disconnect(let d):
            if v5 && (d.reasonCode != 0 || !d.properties.isEmpty) {
                body.writeInteger(d.reasonCode)
                if !d.properties.isEmpty { try d.properties.encode(into: &body) }
            }
        }
        buffer.writeInteger(packetType << 4 | flags)
        try MQTTWire.writeVariableByteInteger(body.readableBytes, into: &buffer)
        buffer.writeBuffer(&body)
    }

    private static func writeConnect(_ c: MQTTConnect, into body: inout ByteBuffer) throws(MQTTCodecError) {
        try MQTTWire.writeString("MQTT", into: &body)
        body.writeInteger(c.version.rawValue)
        var flags: UInt8 = c.cleanStart ? 0x02 : 0
        if let will = c.will {
            guard MQTTTopic.isValidName(will.topic) else { throw .invalidTopicName(will.topic) }
            flags |= 0x04 | (will.qos.rawValue << 3) | (will.retain ? 0x20 : 0)
        }
        if c.password != nil {
            // 3.1.1 §3.1.2.9: a password needs a user name.
            if c.version == .v3_1_1 && c.username == nil { throw .invalidConnectFlags(flags | 0x40) }
            flags |= 0x40
        }
        if c.username != nil { flags |= 0x80 }
        body.writeInteger(flags)
        body.writeInteger(c.keepAliveSeconds)
        if c.version == .v5 { try c.properties.encode(into: &body) }
        try MQTTWire.writeString(c.clientID, into: &body)
        if let will = c.will {
            if c.version == .v5 { try will.properties.encode(into: &body) }
            try MQTTWire.writeString(will.topic, into: &body)
            try MQTTWire.writeBinary(will.payload, into: &body)
        }
        if let u = c.username { try MQTTWire.writeString(u, into: &body) }
        if let p = c.password { try MQTTWire.writeBinary(p, into: &body) }
    }

    /// Reads one packet from exactly its bytes (fixed header included); `version` decides how every packet
    /// but CONNECT (which names its own) is read.
    public static func decode(packet buffer: inout ByteBuffer, version: MQTTVersion) throws(MQTTCodecError)
        -> MQTTPacket
    {
        let first: UInt8 = try MQTTWire.readInteger(from: &buffer)
        let remaining = try MQTTWire.readVariableByteInteger(from: &buffer)
        guard var body = buffer.readSlice(length: remaining) else { throw .truncated }
        let packet = try decode(type: first >> 4, flags: first & 0x0F, body: &body, version: version)
        guard body.readableBytes == 0 else { throw .trailingBytes }
        return packet
    }

    static func decode(type: UInt8, flags: UInt8, body: inout ByteBuffer, version: MQTTVersion)
        throws(MQTTCodecError) -> MQTTPacket
    {
        let v5 = version == .v5
        // Fixed-header flags are reserved for everything but PUBLISH (MQTT 5.0 §2.1.3).
        switch type {
        case 0: throw .reservedPacketType(type)
        case 15: throw v5 ? .unsupportedPacketType(type) : .reservedPacketType(type)
        case 5, 6, 7: throw .unsupportedPacketType(type)
        case 3: break
        case 8, 10: guard flags == 0b0010 else { throw .reservedFlags(packetType: type, flags: flags) }
        default: guard flags == 0 else { throw .reservedFlags(packetType: type, flags: flags) }
        }
        switch type {
        case 1:
            return .connect(try decodeConnect(&body))
        case 2:
            let ackFlags: UInt8 = try MQTTWire.readInteger(from: &body)
            guard ackFlags & 0xFE == 0 else { throw .invalidConnAckFlags(ackFlags) }
            let code: UInt8 = try MQTTWire.readInteger(from: &body)
            if !v5 && code > 5 { throw .invalidReturnCode(code) }
            let props = v5 ? try MQTTProperties.decode(from: &body, context: .connack) : MQTTProperties()
            return .connack(MQTTConnAck(sessionPresent: ackFlags == 1, reasonCode: code, properties: props))
        case 3:
            let qosBits = (flags >> 1) & 0x03
            guard qosBits != 3 else { throw .invalidQoS(qosBits) }
            guard qosBits != 2 else { throw .unsupportedQoS }
            let qos = MQTTQoS(rawValue: qosBits)!
            let dup = flags & 0x08 != 0
            if qos == .atMostOnce && dup { throw .reservedFlags(packetType: type, flags: flags) }
            let topic = try MQTTWire.readString(from: &body)
            guard MQTTTopic.isValidName(topic) else { throw .invalidTopicName(topic) }
            var packetID: UInt16?
            if qos == .atLeastOnce {
                let id: UInt16 = try MQTTWire.readInteger(from: &body)
                guard id != 0 else { throw .zeroPacketIdentifier }
                packetID = id
            }
            let props = v5 ? try MQTTProperties.decode(from: &body, context: .publish) : MQTTProperties()
            let payload = body.readSlice(length: body.readableBytes)!
            return .publish(MQTTPublish(topic: topic, payload: payload, qos: qos, retain: flags & 1 != 0, dup: dup,
                                        packetID: packetID, properties: props))
        case 4:
            let id = try readPacketID(&body)
            var code: UInt8 = 0
            var props = MQTTProperties()
            if v5 && body.readableBytes > 0 {
                code = try MQTTWire.readInteger(from: &body)
                if body.readableBytes > 0 { props = try MQTTProperties.decode(from: &body, context: .puback) }
            }
            return .puback(MQTTPubAck(packetID: id, reasonCode: code, properties: props))
        case 8:
            let id = try readPacketID(&body)
            let props = v5 ? try MQTTProperties.decode(from: &body, context: .subscribe) : MQTTProperties()
            var subs: [MQTTSubscription] = []
            while body.readableBytes > 0 {
                let filter = try MQTTWire.readString(from: &body)
                guard MQTTTopic.isValidFilter(filter) else { throw .invalidTopicFilter(filter) }
                let options: UInt8 = try MQTTWire.readInteger(from: &body)
                let reservedMask: UInt8 = v5 ? 0xC0 : 0xFC
                guard options & reservedMask == 0, (options >> 4) & 0x03 != 3 else {
                    throw .invalidSubscriptionOptions(options)
                }
                let q = options & 0x03
                guard q != 3 else { throw .invalidSubscriptionOptions(options) }
                guard q != 2 else { throw .unsupportedQoS }
                subs.append(MQTTSubscription(filter: filter, qos: MQTTQoS(rawValue: q)!, noLocal: options & 0x04 != 0,
                                             retainAsPublished: options & 0x08 != 0,
                                             retainHandling: (options >> 4) & 0x03))
            }
            guard !subs.isEmpty else { throw .noSubscriptions }
            return .subscribe(MQTTSubscribe(packetID: id, subscriptions: subs, properties: props))
        case 9:
            let id = try readPacketID(&body)
            let props = v5 ? try MQTTProperties.decode(from: &body, context: .suback) : MQTTProperties()
            let codes = body.readBytes(length: body.readableBytes)!
            guard !codes.isEmpty else { throw .truncated }
            for c in codes where !Self.isValidSubAckCode(c, v5: v5) { throw .invalidReturnCode(c) }
            return .suback(MQTTSubAck(packetID: id, reasonCodes: codes, properties: props))
        case 10:
            let id = try readPacketID(&body)
            let props = v5 ? try MQTTProperties.decode(from: &body, context: .unsubscribe) : MQTTProperties()
            var filters: [String] = []
            while body.readableBytes > 0 {
                let f = try MQTTWire.readString(from: &body)
                guard MQTTTopic.isValidFilter(f) else { throw .invalidTopicFilter(f) }
                filters.append(f)
            }
            guard !filters.isEmpty else { throw .noSubscriptions }
            return .unsubscribe(MQTTUnsubscribe(packetID: id, filters: filters, properties: props))
        case 11:
            let id = try readPacketID(&body)
            guard v5 else { return .unsuback(MQTTUnsubAck(packetID: id)) }
            let props = try MQTTProperties.decode(from: &body, context: .unsuback)
            let codes = body.readBytes(length: body.readableBytes)!
            guard !codes.isEmpty else { throw .truncated }
            return .unsuback(MQTTUnsubAck(packetID: id, reasonCodes: codes, properties: props))
        case 12: return .pingreq
        case 13: return .pingresp
        case 14:
            var code: UInt8 = 0
            var props = MQTTProperties()
            if v5 && body.readableBytes > 0 {
                code = try MQTTWire.readInteger(from: &body)
                if body.readableBytes > 0 { props = try MQTTProperties.decode(from: &body, context: .disconnect) }
            }
            return .disconnect(MQTTDisconnect(reasonCode: code, properties: props))
        default:
            throw .reservedPacketType(type)
        }
    }

    private static func isValidSubAckCode(_ c: UInt8, v5: Bool) -> Bool {
        if c <= 2 { return true }
        if !v5 { return c == 0x80 }
        return [0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2].contains(c)
    }

    private static func readPacketID(_ body: inout ByteBuffer) throws(MQTTCodecError) -> UInt16 {
        let id: UInt16 = try MQTTWire.readInteger(from: &body)
        guard id != 0 else { throw .zeroPacketIdentifier }
        return id
    }

    private static func decodeConnect(_ body: inout ByteBuffer) throws(MQTTCodecError) -> MQTTConnect {
        guard try MQTTWire.readString(from: &body) == "MQTT" else { throw .invalidProtocolName }
        let level: UInt8 = try MQTTWire.readInteger(from: &body)
        guard let version = MQTTVersion(rawValue: level) else { throw .unsupportedProtocolLevel(level) }
        let flags: UInt8 = try MQTTWire.readInteger(from: &body)
        let willFlag = flags & 0x04 != 0
        let willQoS = (flags >> 3) & 0x03
        guard flags & 0x01 == 0, willQoS <= 1, willFlag || (willQoS == 0 && flags & 0x20 == 0),
              version == .v5 || flags & 0x80 != 0 || flags & 0x40 == 0
        else { throw .invalidConnectFlags(flags) }
        let keepAlive: UInt16 = try MQTTWire.readInteger(from: &body)
        let props = version == .v5 ? try MQTTProperties.decode(from: &body, context: .connect) : MQTTProperties()
        let clientID = try MQTTWire.readString(from: &body)
        var will: MQTTWill?
        if willFlag {
            let wp = version == .v5 ? try MQTTProperties.decode(from: &body, context: .will) : MQTTProperties()
            let topic = try MQTTWire.readString(from: &body)
            guard MQTTTopic.isValidName(topic) else { throw .invalidTopicName(topic) }
            let payload = try MQTTWire.readBinary(from: &body)
            will = MQTTWill(topic: topic, payload: payload, qos: MQTTQoS(rawValue: willQoS)!, retain: flags & 0x20 != 0,
                            properties: wp)
        }
        let username = flags & 0x80 != 0 ? try MQTTWire.readString(from: &body) : nil
        let password = flags & 0x40 != 0 ? try MQTTWire.readBinary(from: &body) : nil
        return MQTTConnect(version: version, clientID: clientID, cleanStart: flags & 0x02 != 0, keepAliveSeconds: keepAlive,
                           username: username, password: password, will: will, properties: props)
    }
}

/// Frames MQTT packets out of a byte stream. A packet whose fixed header announces more than
/// `maximumPacketSize` bytes is rejected as soon as its header arrives, before its body is buffered.
public struct MQTTPacketDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = MQTTPacket

    public var version: MQTTVersion
    public let maximumPacketSize: Int

    public init(version: MQTTVersion, maximumPacketSize: Int = MQTTLimits.defaultMaximumPacketSize) {
        self.version = version
        self.maximumPacketSize = maximumPacketSize
    }

    /// The next whole packet in `buffer`, consuming it, or nil when more bytes are needed.
    public mutating func nextPacket(_ buffer: inout ByteBuffer) throws(MQTTCodecError) -> MQTTPacket? {
        let start = buffer.readerIndex
        guard buffer.readableBytes >= 2 else { return nil }
        switch MQTTWire.peekVariableByteInteger(buffer, at: start + 1) {
        case .needMoreData: return nil
        case .malformed: throw .malformedVariableByteInteger
        case .value(let remaining, let length):
            let total = 1 + length + remaining
            guard total <= maximumPacketSize else { throw .packetTooLarge(size: total, maximum: maximumPacketSize) }
            guard buffer.readableBytes >= total else { return nil }
            var packet = buffer.readSlice(length: total)!
            return try MQTTPacket.decode(packet: &packet, version: version)
        }
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let packet = try nextPacket(&buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(packet))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Writes `MQTTPacket`s as bytes.
public struct MQTTPacketEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = MQTTPacket

    public var version: MQTTVersion

    public init(version: MQTTVersion) { self.version = version }

    public func encode(data: MQTTPacket, out: inout ByteBuffer) throws {
        try data.encode(version: version, into: &out)
    }
}
