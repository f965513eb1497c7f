import FogMQTT
import NIOCore
import NIOEmbedded
import Testing

/// Every packet type the codec knows, in each version, with the fields that version carries.
func samplePackets(_ version: MQTTVersion) -> [MQTTPacket] {
    let v5 = version == .v5
    func props(_ items: [MQTTProperty]) -> MQTTProperties { v5 ? MQTTProperties(items) : MQTTProperties() }
    let will = MQTTWill(topic: "fogledger/v1/devices/d1/status", payload: Array("offline".utf8), qos: .atLeastOnce,
                        retain: true, properties: props([.willDelayInterval(5), .contentType("text/plain")]))
    return [
        .connect(MQTTConnect(version: version, clientID: "device-1", cleanStart: true, keepAliveSeconds: 30)),
        .connect(MQTTConnect(version: version, clientID: "device-2", cleanStart: false, keepAliveSeconds: 0,
                             username: "alice", password: Array("s3cret".utf8), will: will,
                             properties: props([.sessionExpiryInterval(3600), .receiveMaximum(20),
                                                .maximumPacketSize(65_536), .topicAliasMaximum(0),
                                                .userProperty("fleet", "cold-chain")]))),
        .connack(MQTTConnAck(sessionPresent: true, reasonCode: 0,
                             properties: props([.receiveMaximum(10), .maximumPacketSize(1 << 20),
                                                .assignedClientIdentifier("auto-1"), .maximumQoS(1),
                                                .reasonString("ok"), .serverKeepAlive(45)]))),
        .connack(MQTTConnAck(sessionPresent: false, reasonCode: v5 ? 0x86 : 4)),
        .publish(MQTTPublish(topic: "a/b", payload: ByteBuffer(string: "hello"), qos: .atMostOnce, retain: true)),
        .publish(MQTTPublish(topic: "fogledger/v1/devices/d1/readings", payload: ByteBuffer(bytes: [0, 1, 2, 255]),
                             qos: .atLeastOnce, dup: true, packetID: 7,
                             properties: props([.contentType("application/cose"), .messageExpiryInterval(60),
                                                .payloadFormatIndicator(0), .responseTopic("r/t"),
                                                .correlationData([9, 9]), .userProperty("k", "v"),
                                                .userProperty("k", "v2")]))),
        .publish(MQTTPublish(topic: "empty/payload", payload: ByteBuffer(), qos: .atLeastOnce, packetID: 65_535)),
        .puback(MQTTPubAck(packetID: 7)),
        .puback(MQTTPubAck(packetID: 8, reasonCode: v5 ? 0x10 : 0)),
        .puback(MQTTPubAck(packetID: 9, reasonCode: v5 ? 0x80 : 0, properties: props([.reasonString("no")]))),
        .subscribe(MQTTSubscribe(packetID: 1, subscriptions: [
            MQTTSubscription(filter: "fogledger/v1/devices/+/readings", qos: .atLeastOnce),
            MQTTSubscription(filter: "#", qos: .atMostOnce, noLocal: v5, retainAsPublished: v5,
                             retainHandling: v5 ? 2 : 0),
        ], properties: props([.subscriptionIdentifier(12), .userProperty("a", "b")]))),
        .suback(MQTTSubAck(packetID: 1, reasonCodes: [1, 0, 0x80], properties: props([.reasonString("partly")]))),
        .unsubscribe(MQTTUnsubscribe(packetID: 2, filters: ["a/+", "b/#"], properties: props([.userProperty("x", "y")]))),
        .unsuback(MQTTUnsubAck(packetID: 2, reasonCodes: v5 ? [0, 0x11] : [])),
        .pingreq,
        .pingresp,
        .disconnect(MQTTDisconnect()),
        .disconnect(MQTTDisconnect(reasonCode: v5 ? 0x04 : 0,
                                   properties: props([.sessionExpiryInterval(0), .reasonString("bye")]))),
    ]
}

func encoded(_ packets: [MQTTPacket], _ version: MQTTVersion) throws -> ByteBuffer {
    var buffer = ByteBuffer()
    for p in packets { try p.encode(version: version, into: &buffer) }
    return buffer
}

/// Feeds `chunks` to a fresh decoder on an EmbeddedChannel and returns what it emitted.
func decodeOnChannel(_ chunks: [ByteBuffer], version: MQTTVersion,
                     maximumPacketSize: Int = MQTTLimits.defaultMaximumPacketSize) throws -> [MQTTPacket] {
    let channel = EmbeddedChannel(handler: ByteToMessageHandler(
        MQTTPacketDecoder(version: version, maximumPacketSize: maximumPacketSize)))
    var out: [MQTTPacket] = []
    for chunk in chunks {
        try channel.writeInbound(chunk)
        while let p = try channel.readInbound(as: MQTTPacket.self) { out.append(p) }
    }
    #expect(try channel.finish().isClean)
    return out
}

func decodeError(_ bytes: [UInt8], version: MQTTVersion = .v5,
                 maximumPacketSize: Int = MQTTLimits.defaultMaximumPacketSize) -> MQTTCodecError? {
    do {
        _ = try decodeOnChannel([ByteBuffer(bytes: bytes)], version: version, maximumPacketSize: maximumPacketSize)
        return nil
    } catch let e as MQTTCodecError {
        return e
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

@Suite("MQTT codec")
struct MQTTCodecTests {
    @Test("every packet type round-trips", arguments: [MQTTVersion.v3_1_1, .v5])
    func roundTrip(version: MQTTVersion) throws {
        for packet in samplePackets(version) {
            let decoded = try decodeOnChannel([try encoded([packet], version)], version: version)
            #expect(decoded == [packet])
        }
    }

    @Test("a stream split at every byte boundary decodes the same", arguments: [MQTTVersion.v3_1_1, .v5])
    func splitEverywhere(version: MQTTVersion) throws {
        let packets = samplePackets(version)
        let all = try encoded(packets, version)
        for cut in 0...all.readableBytes {
            let a = all.getSlice(at: all.readerIndex, length: cut)!
            let b = all.getSlice(at: all.readerIndex + cut, length: all.readableBytes - cut)!
            #expect(try decodeOnChannel([a, b], version: version) == packets, "cut at \(cut)")
        }
        // One byte at a time.
        let bytes = all.readableBytesView.map { ByteBuffer(bytes: [$0]) }
        #expect(try decodeOnChannel(bytes, version: version) == packets)
    }

    @Test("many packets merged in one buffer", arguments: [MQTTVersion.v3_1_1, .v5])
    func merged(version: MQTTVersion) throws {
        let packets = Array(repeating: samplePackets(version), count: 50).flatMap { $0 }
        #expect(try decodeOnChannel([try encoded(packets, version)], version: version) == packets)
    }

    @Test("known bytes: a 3.1.1 CONNECT, PINGREQ, a QoS 1 PUBLISH")
    func knownBytes() throws {
        let connect = MQTTPacket.connect(MQTTConnect(version: .v3_1_1, clientID: "c", keepAliveSeconds: 60))
        #expect(Array(try encoded([connect], .v3_1_1).readableBytesView)
            == [0x10, 13, 0, 4, 0x4D, 0x51, 0x54, 0x54, 4, 0x02, 0, 60, 0, 1, 0x63])
        #expect(Array(try encoded([.pingreq], .v5).readableBytesView) == [0xC0, 0])
        let publish = MQTTPacket.publish(MQTTPublish(topic: "t", payload: ByteBuffer(string: "x"), qos: .atLeastOnce,
                                                     packetID: 0x0102))
        #expect(Array(try encoded([publish], .v3_1_1).readableBytesView) == [0x32, 6, 0, 1, 0x74, 1, 2, 0x78])
        #expect(Array(try encoded([publish], .v5).readableBytesView) == [0x32, 7, 0, 1, 0x74, 1, 2, 0, 0x78])
    }

    @Test("remaining length: 1 to 4 bytes at each boundary; a fifth byte is malformed")
    func remainingLength() throws {
        for size in [0, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152] {
            let payload = ByteBuffer(repeating: 0x41, count: size)
            let p = MQTTPacket.publish(MQTTPublish(topic: "t", payload: payload))
            let bytes = try encoded([p], .v3_1_1)
            #expect(try decodeOnChannel([bytes], version: .v3_1_1, maximumPacketSize: 3_000_000) == [p])
        }
        #expect(decodeError([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) == .malformedVariableByteInteger)
        #expect(decodeError([0x30, 0x80, 0x80, 0x80, 0x80]) == .malformedVariableByteInteger)
    }

    @Test("a packet over the maximum is rejected from its header alone")
    func oversize() {
        // Announces 200 bytes; only the header has arrived.
        #expect(decodeError([0x30, 0xC8, 0x01], maximumPacketSize: 100) == .packetTooLarge(size: 203, maximum: 100))
        // Exactly at the limit is accepted.
        let p = MQTTPacket.publish(MQTTPublish(topic: "t", payload: ByteBuffer(repeating: 1, count: 95)))
        #expect(decodeError(Array(try! encoded([p], .v3_1_1).readableBytesView), version: .v3_1_1,
                            maximumPacketSize: 100) == nil)
        #expect(decodeError(Array(try! encoded([p], .v3_1_1).readableBytesView), version: .v3_1_1,
                            maximumPacketSize: 99) == .packetTooLarge(size: 100, maximum: 99))
    }

    @Test("malformed frames are typed errors")
    func malformed() {
        // Truncated: PUBACK needs 2 bytes of packet id; the remaining length says 1.
        #expect(decodeError([0x40, 0x01, 0x00]) == .truncated)
        // Topic length runs past the packet.
        #expect(decodeError([0x30, 0x03, 0x00, 0x05, 0x61]) == .truncated)
        // Trailing bytes after a PINGRESP body / a 3.1.1 PUBACK.
        #expect(decodeError([0xD0, 0x01, 0x00]) == .trailingBytes)
        #expect(decodeError([0x40, 0x03, 0x00, 0x01, 0x00], version: .v3_1_1) == .trailingBytes)
        // Reserved flags.
        #expect(decodeError([0xC1, 0x00]) == .reservedFlags(packetType: 12, flags: 1))
        #expect(decodeError([0x80, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x00]) == .reservedFlags(packetType: 8, flags: 0))
        #expect(decodeError([0x38, 0x03, 0x00, 0x01, 0x61]) == .reservedFlags(packetType: 3, flags: 8))  // DUP on QoS 0
        #expect(decodeError([0x00, 0x00]) == .reservedPacketType(0))
        #expect(decodeError([0xF0, 0x00], version: .v3_1_1) == .reservedPacketType(15))
        #expect(decodeError([0x50, 0x02, 0x00, 0x01]) == .unsupportedPacketType(5))
        // QoS 3 and QoS 2.
        #expect(decodeError([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01]) == .invalidQoS(3))
        #expect(decodeError([0x34, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01]) == .unsupportedQoS)
        // Invalid UTF-8 and U+0000 in a topic.
        #expect(decodeError([0x30, 0x04, 0x00, 0x02, 0xC3, 0x28], version: .v3_1_1) == .invalidUTF8)
        #expect(decodeError([0x30, 0x04, 0x00, 0x02, 0x61, 0x00], version: .v3_1_1) == .invalidUTF8)
        // Wildcards or nothing as a PUBLISH topic.
        #expect(decodeError([0x30, 0x05, 0x00, 0x03, 0x61, 0x2F, 0x2B], version: .v3_1_1) == .invalidTopicName("a/+"))
        #expect(decodeError([0x30, 0x03, 0x00, 0x01, 0x23], version: .v3_1_1) == .invalidTopicName("#"))
        #expect(decodeError([0x30, 0x02, 0x00, 0x00], version: .v3_1_1) == .invalidTopicName(""))
        // Packet id 0.
        #expect(decodeError([0x40, 0x02, 0x00, 0x00]) == .zeroPacketIdentifier)
        #expect(decodeError([0x32, 0x05, 0x00, 0x01, 0x61, 0x00, 0x00], version: .v3_1_1) == .zeroPacketIdentifier)
        // CONNACK reserved flags and 3.1.1 return code out of range.
        #expect(decodeError([0x20, 0x02, 0x02, 0x00], version: .v3_1_1) == .invalidConnAckFlags(2))
        #expect(decodeError([0x20, 0x02, 0x00, 0x06], version: .v3_1_1) == .invalidReturnCode(6))
        // Bad SUBACK code in 3.1.1.
        #expect(decodeError([0x90, 0x03, 0x00, 0x01, 0x03], version: .v3_1_1) == .invalidReturnCode(3))
        // CONNECT: wrong protocol name, unknown level, reserved flag bit.
        #expect(decodeError([0x10, 0x07, 0x00, 0x04, 0x4D, 0x51, 0x49, 0x73, 0x04]) == .invalidProtocolName)
        #expect(decodeError([0x10, 0x07, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x03]) == .unsupportedProtocolLevel(3))
        #expect(decodeError([0x10, 0x0A, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x03, 0x00, 0x00, 0x00, 0x00],
                            version: .v3_1_1) == .invalidConnectFlags(3))
        // SUBSCRIBE with a bad filter, with no filters.
        #expect(decodeError([0x82, 0x07, 0x00, 0x01, 0x00, 0x02, 0x61, 0x23, 0x01], version: .v3_1_1)
            == .invalidTopicFilter("a#"))
        #expect(decodeError([0x82, 0x02, 0x00, 0x01], version: .v3_1_1) == .noSubscriptions)
    }

    @Test("MQTT 5 properties: unknown, duplicate, not allowed, out of range")
    func badProperties() {
        // PUBACK, reason 0, properties of length 2: 0x7F is no property.
        #expect(decodeError([0x40, 0x06, 0x00, 0x01, 0x00, 0x02, 0x7F, 0x00]) == .unknownProperty(0x7F))
        // Reason string twice.
        #expect(decodeError([0x40, 0x0A, 0x00, 0x01, 0x00, 0x06, 0x1F, 0x00, 0x00, 0x1F, 0x00, 0x00])
            == .duplicateProperty(0x1F))
        // User properties may repeat.
        #expect(decodeError([0x40, 0x0E, 0x00, 0x01, 0x00, 0x0A, 0x26, 0, 0, 0, 0, 0x26, 0, 0, 0, 0]) == nil)
        // Session expiry is not a PUBACK property.
        #expect(decodeError([0x40, 0x09, 0x00, 0x01, 0x00, 0x05, 0x11, 0, 0, 0, 1]) == .propertyNotAllowed(0x11))
        // Receive maximum 0 and maximum QoS 2 in CONNACK.
        #expect(decodeError([0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x00]) == .invalidPropertyValue(0x21))
        #expect(decodeError([0x20, 0x05, 0x00, 0x00, 0x02, 0x24, 0x02]) == .invalidPropertyValue(0x24))
        // Property length runs past the packet.
        #expect(decodeError([0x40, 0x04, 0x00, 0x01, 0x00, 0x05]) == .truncated)
        // Two session expiry intervals in a CONNACK.
        #expect(decodeError([0x20, 0x0D, 0x00, 0x00, 0x0A, 0x11, 0, 0, 0, 1, 0x11, 0, 0, 0, 2])
            == .duplicateProperty(0x11))
    }

    @Test("the encoder refuses what the decoder would reject")
    func encoderRefuses() {
        func err(_ p: MQTTPacket, _ v: MQTTVersion = .v5) -> MQTTCodecError? {
            var b = ByteBuffer()
            do { try p.encode(version: v, into: &b); return nil } catch { return error }
        }
        #expect(err(.publish(MQTTPublish(topic: "a/#", payload: ByteBuffer()))) == .invalidTopicName("a/#"))
        #expect(err(.publish(MQTTPublish(topic: "a", payload: ByteBuffer(), qos: .atLeastOnce))) == .zeroPacketIdentifier)
        #expect(err(.subscribe(MQTTSubscribe(packetID: 1, subscriptions: []))) == .noSubscriptions)
        #expect(err(.subscribe(MQTTSubscribe(packetID: 1, subscriptions: [MQTTSubscription(filter: "a/b#")])))
            == .invalidTopicFilter("a/b#"))
        #expect(err(.connect(MQTTConnect(version: .v3_1_1, clientID: "c", password: [1])), .v3_1_1)
            == .invalidConnectFlags(0x42))
        #expect(err(.publish(MQTTPublish(topic: String(repeating: "a", count: 65_536), payload: ByteBuffer())))
            == .fieldTooLong)
    }

    @Test("topic filters match topic names")
    func topicMatching() {
        #expect(MQTTTopic.matches(filter: "fogledger/v1/devices/+/readings", topic: "fogledger/v1/devices/d1/readings"))
        #expect(!MQTTTopic.matches(filter: "fogledger/v1/devices/+/readings", topic: "fogledger/v1/devices/d1/acks"))
        #expect(MQTTTopic.matches(filter: "a/#", topic: "a"))
        #expect(MQTTTopic.matches(filter: "a/#", topic: "a/b/c"))
        #expect(MQTTTopic.matches(filter: "#", topic: "x/y"))
        #expect(!MQTTTopic.matches(filter: "#", topic: "$SYS/x"))
        #expect(!MQTTTopic.matches(filter: "a/+", topic: "a/b/c"))
        #expect(MQTTTopic.matches(filter: "a/+", topic: "a/"))
    }
}
