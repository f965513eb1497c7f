@testable import FogNode
import FogTypes
import FogWire
import Testing

/// The gossip outbox: envelopes admitted in a burst leave as few messages, in admission order,
/// within the wire's count bound and the outbox's byte bound.
@Suite struct GossipOutboxTests {
    static func envelope(_ index: Int, bytes: Int = 8) -> [UInt8] {
        [UInt8(truncatingIfNeeded: index), UInt8(truncatingIfNeeded: index >> 8)] + [UInt8](repeating: 7, count: bytes - 2)
    }

    @Test func aBurstLeavesInOrderInMessagesOfAtMostTheWireCount() {
        var outbox = GossipOutbox()
        var sent: [[[UInt8]]] = []
        let count = 2 * WireLimits.maxGossipEnvelopes + 3
        for index in 0..<count {
            if let full = outbox.add(Self.envelope(index)) { sent.append(full) }
        }
        sent.append(outbox.take())
        #expect(sent.map(\.count) == [WireLimits.maxGossipEnvelopes, WireLimits.maxGossipEnvelopes, 3])
        #expect(sent.flatMap { $0 } == (0..<count).map { Self.envelope($0) })
        #expect(outbox.isEmpty && outbox.byteCount == 0 && outbox.take().isEmpty)
    }

    @Test func theByteBoundSplitsMessagesAndALargeEnvelopeGoesAlone() throws {
        var outbox = GossipOutbox()
        let half = GossipOutbox.maxMessageBytes / 2
        #expect(outbox.add(Self.envelope(1, bytes: half)) == nil)
        #expect(outbox.add(Self.envelope(2, bytes: half)) == nil)  // exactly the bound
        #expect(outbox.byteCount == GossipOutbox.maxMessageBytes)
        let full = outbox.add(Self.envelope(3, bytes: 10))
        #expect(full == [Self.envelope(1, bytes: half), Self.envelope(2, bytes: half)])
        let large = Self.envelope(4, bytes: GossipOutbox.maxMessageBytes + 1)
        #expect(outbox.add(large) == [Self.envelope(3, bytes: 10)])
        #expect(outbox.take() == [large])
        // The largest message: a full byte bound of the smallest envelopes, or the largest envelope alone.
        let smallest = [[UInt8]](repeating: [1], count: WireLimits.maxGossipEnvelopes)
        for batch in [smallest, [[UInt8](repeating: 1, count: ObjectLimits.maxEnvelopeBytes)]] {
            #expect(try WireMessage.transactions(batch).frame.count > 0)
        }
    }
}
