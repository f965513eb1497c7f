import FogMQTT
import NIOCore
import Testing

private let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)

private func connected(_ version: MQTTVersion = .v5, window: Int = 3, keepAlive: UInt16 = 10,
                       connack: MQTTConnAck = MQTTConnAck()) -> MQTTClientStateMachine {
    var m = MQTTClientStateMachine(configuration: .init(version: version, inflightWindow: window,
                                                        keepAliveSeconds: keepAlive, pingTimeout: .seconds(5)))
    _ = m.connect(MQTTConnect(version: version, clientID: "c"), now: t0)
    #expect(m.receive(.connack(connack), now: t0) == [.connected(connack)])
    return m
}

private func message(_ qos: MQTTQoS = .atLeastOnce, topic: String = "t") -> MQTTPublish {
    MQTTPublish(topic: topic, payload: ByteBuffer(string: "x"), qos: qos)
}

@Suite("MQTT client state machine")
struct MQTTClientStateMachineTests {
    @Test("connect sends CONNECT; only CONNACK may come first")
    func connectFlow() {
        var m = MQTTClientStateMachine(configuration: .init(version: .v3_1_1))
        let c = MQTTConnect(version: .v3_1_1, clientID: "c")
        #expect(m.connect(c, now: t0) == [.send(.connect(c))])
        #expect(m.state == .connecting)
        #expect(m.receive(.pingresp, now: t0) == [.close(.protocolViolation("expected CONNACK, got packet type 13"))])
        #expect(m.state == .closed)
    }

    @Test("a refused CONNACK closes with its code")
    func refused() {
        var m = MQTTClientStateMachine(configuration: .init(version: .v3_1_1))
        _ = m.connect(MQTTConnect(version: .v3_1_1, clientID: "c"), now: t0)
        #expect(m.receive(.connack(MQTTConnAck(reasonCode: 5)), now: t0) == [.close(.connectionRefused(reasonCode: 5))])
    }

    @Test("QoS 1 publishes take distinct packet ids and fill the inflight window; PUBACK frees a slot")
    func inflightWindow() throws {
        var m = connected(window: 3)
        var ids: [UInt16] = []
        for _ in 0..<3 {
            #expect(m.hasInflightSpace)
            ids.append(try #require(try m.publish(message(), now: t0).packetID))
        }
        #expect(ids == [1, 2, 3])
        #expect(!m.hasInflightSpace)
        #expect(m.inflight.count == 3)
        // QoS 0 needs no slot and no id.
        #expect(try m.publish(message(.atMostOnce), now: t0).packetID == nil)
        #expect(m.receive(.puback(MQTTPubAck(packetID: 2)), now: t0) == [.publishAcknowledged(packetID: 2, reasonCode: 0)])
        #expect(m.hasInflightSpace)
        // The freed id is not reused while ids wrap forward; unknown PUBACKs are ignored.
        #expect(try m.publish(message(), now: t0).packetID == 4)
        #expect(m.receive(.puback(MQTTPubAck(packetID: 99)), now: t0) == [])
    }

    @Test("the broker's receive maximum lowers the window; its maximum packet size and QoS are enforced")
    func serverLimits() throws {
        let ack = MQTTConnAck(properties: MQTTProperties([.receiveMaximum(2), .maximumPacketSize(20), .maximumQoS(0)]))
        var m = connected(window: 10, connack: ack)
        #expect(m.inflightLimit == 2)
        #expect(throws: MQTTClientError.qosNotSupported) { try m.publish(message(), now: t0) }
        let big = MQTTPublish(topic: "t", payload: ByteBuffer(repeating: 0, count: 30))
        #expect(throws: MQTTClientError.packetTooLarge(size: 36, maximum: 20)) { try m.publish(big, now: t0) }
    }

    @Test("packet ids skip those in use and wrap past 65535 without 0")
    func packetIDWrap() throws {
        var m = connected(window: 1)
        let first = try m.publish(message(), now: t0)  // id 1 stays inflight
        #expect(first.packetID == 1)
        for expected in UInt16(2)...UInt16(65_535) {
            let s = try m.subscribe([MQTTSubscription(filter: "a")], now: t0)
            #expect(s.packetID == expected)
            _ = m.receive(.suback(MQTTSubAck(packetID: expected, reasonCodes: [1])), now: t0)
        }
        // 1 is still inflight, so the next id after 65535 is 2.
        #expect(try m.subscribe([MQTTSubscription(filter: "a")], now: t0).packetID == 2)
    }

    @Test("incoming QoS 1 is delivered and acknowledged; QoS 0 only delivered")
    func incoming() {
        var m = connected()
        let q1 = MQTTPublish(topic: "a", payload: ByteBuffer(string: "1"), qos: .atLeastOnce, packetID: 77)
        #expect(m.receive(.publish(q1), now: t0) == [.deliver(q1), .send(.puback(MQTTPubAck(packetID: 77)))])
        let q0 = MQTTPublish(topic: "a", payload: ByteBuffer(string: "0"))
        #expect(m.receive(.publish(q0), now: t0) == [.deliver(q0)])
    }

    @Test("SUBACK and UNSUBACK complete pending requests; unknown ones are violations")
    func subscribeFlow() throws {
        var m = connected()
        let s = try m.subscribe([MQTTSubscription(filter: "a/+")], now: t0)
        let ack = MQTTSubAck(packetID: s.packetID, reasonCodes: [1])
        #expect(m.receive(.suback(ack), now: t0) == [.subscribeAcknowledged(ack)])
        let u = try m.unsubscribe(["a/+"], now: t0)
        let uack = MQTTUnsubAck(packetID: u.packetID, reasonCodes: [0])
        #expect(m.receive(.unsuback(uack), now: t0) == [.unsubscribeAcknowledged(uack)])
        #expect(throws: MQTTClientError.invalidArgument("filter a/#/b")) {
            try m.subscribe([MQTTSubscription(filter: "a/#/b")], now: t0)
        }
        #expect(m.receive(.suback(MQTTSubAck(packetID: 500, reasonCodes: [0])), now: t0)
            == [.close(.protocolViolation("SUBACK for unknown packet id 500"))])
    }

    @Test("packets a broker may not send, topic aliases, DISCONNECT and malformed bytes close the connection")
    func violations() {
        for p: MQTTPacket in [.pingreq, .subscribe(MQTTSubscribe(packetID: 1, subscriptions: [.init(filter: "a")]))] {
            var m = connected()
            #expect(m.receive(p, now: t0).count == 1)
            #expect(m.state == .closed)
        }
        var m = connected()
        let aliased = MQTTPublish(topic: "a", payload: ByteBuffer(), properties: MQTTProperties([.topicAlias(1)]))
        #expect(m.receive(.publish(aliased), now: t0) == [.close(.protocolViolation("topic alias received"))])
        m = connected()
        #expect(m.receive(.disconnect(MQTTDisconnect(reasonCode: 0x8E)), now: t0)
            == [.close(.serverDisconnected(reasonCode: 0x8E))])
        m = connected()
        #expect(m.malformed(.truncated) == [.close(.malformed(.truncated))])
    }

    @Test("keep-alive: PINGREQ after an idle interval; no PINGRESP within the timeout closes")
    func keepAlive() throws {
        var m = connected(keepAlive: 10)
        #expect(m.tick(now: t0 + .seconds(9)) == [])
        #expect(m.tick(now: t0 + .seconds(10)) == [.send(.pingreq)])
        // One PINGREQ at a time.
        #expect(m.tick(now: t0 + .seconds(12)) == [])
        _ = m.receive(.pingresp, now: t0 + .seconds(12))
        // Sending resets the idle clock.
        _ = try m.publish(message(.atMostOnce), now: t0 + .seconds(15))
        #expect(m.tick(now: t0 + .seconds(24)) == [])
        #expect(m.tick(now: t0 + .seconds(25)) == [.send(.pingreq)])
        #expect(m.tick(now: t0 + .seconds(29)) == [])
        #expect(m.tick(now: t0 + .seconds(30)) == [.close(.keepAliveTimeout)])
        #expect(m.state == .closed)
    }

    @Test("keep-alive 0 sends no PINGREQ; a 5.0 server keep-alive overrides ours")
    func keepAliveOverride() {
        var off = connected(keepAlive: 0)
        #expect(off.tick(now: t0 + .seconds(1_000)) == [])
        var m = connected(keepAlive: 60, connack: MQTTConnAck(properties: MQTTProperties([.serverKeepAlive(5)])))
        #expect(m.keepAliveSeconds == 5)
        #expect(m.tick(now: t0 + .seconds(5)) == [.send(.pingreq)])
    }

    @Test("after a lost connection, the next CONNACK resends unacknowledged QoS 1 publishes in order with DUP")
    func resumption() throws {
        var m = connected(.v3_1_1, window: 5)
        let a = try m.publish(message(topic: "a"), now: t0)
        let b = try m.publish(message(topic: "b"), now: t0)
        let c = try m.publish(message(topic: "c"), now: t0)
        _ = m.receive(.puback(MQTTPubAck(packetID: b.packetID!)), now: t0)
        m.connectionLost()
        #expect(m.state == .closed)
        #expect(throws: MQTTClientError.connectionClosed) { try m.publish(message(), now: t0) }
        let again = MQTTConnect(version: .v3_1_1, clientID: "c", cleanStart: false)
        #expect(m.connect(again, now: t0) == [.send(.connect(again))])
        var da = a, dc = c
        da.dup = true
        dc.dup = true
        let ack = MQTTConnAck(sessionPresent: true)
        #expect(m.receive(.connack(ack), now: t0) == [.connected(ack), .send(.publish(da)), .send(.publish(dc))])
        #expect(m.discardInflight() == [a.packetID!, c.packetID!])
    }
}
