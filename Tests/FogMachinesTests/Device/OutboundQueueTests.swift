import FogCrypto
import FogDevice
import Testing

@Suite struct OutboundQueueTests {
    @Test func sendsInOrderOneAtATimeAndRemovesOnCommit() throws {
        var queue = OutboundQueue(limits: QueueLimits(inflightWindow: 1))
        let envelopes = DeviceFixture.envelopes(count: 3)
        for envelope in envelopes { try queue.enqueue(envelope) }
        #expect(queue.nextToSend(nowMillis: 0) == envelopes[0])
        #expect(queue.nextToSend(nowMillis: 0) == nil, "the window of one is full")
        #expect(queue.accepted(envelopes[0].transactionID, nowMillis: 1) == envelopes[0])
        #expect(queue.nextToSend(nowMillis: 1) == envelopes[1])
        #expect(queue.committed(envelopes[0].transactionID) == envelopes[0])
        #expect(queue.count == 2)
        #expect(queue.committed(envelopes[0].transactionID) == nil, "a second commit of the same envelope is ignored")
    }

    @Test func aTransportFailureResendsFromTheFirstUnansweredInOrder() throws {
        var queue = OutboundQueue(limits: QueueLimits(inflightWindow: 3))
        let envelopes = DeviceFixture.envelopes(count: 4)
        for envelope in envelopes { try queue.enqueue(envelope) }
        #expect(queue.nextToSend(nowMillis: 0) == envelopes[0])
        queue.accepted(envelopes[0].transactionID, nowMillis: 0)
        #expect(queue.nextToSend(nowMillis: 0) == envelopes[1])
        #expect(queue.nextToSend(nowMillis: 0) == envelopes[2])
        queue.transportFailed()
        #expect(queue.entries[0].state == .accepted(atMillis: 0), "an accepted envelope is not resent")
        #expect(queue.nextToSend(nowMillis: 5) == envelopes[1])
        #expect(queue.nextToSend(nowMillis: 5) == envelopes[2])
        #expect(queue.nextToSend(nowMillis: 5) == envelopes[3])
        #expect(queue.entries[1].attempts == 2)
    }

    @Test func refusalsAreClassified() throws {
        var queue = OutboundQueue(limits: QueueLimits(inflightWindow: 5))
        let envelopes = DeviceFixture.envelopes(count: 5)
        for envelope in envelopes { try queue.enqueue(envelope) }
        for _ in 0..<5 { _ = queue.nextToSend(nowMillis: 0) }
        #expect(queue.refused(envelopes[0].transactionID, code: "already-committed")?.1 == .alreadyRecorded)
        #expect(queue.refused(envelopes[1].transactionID, code: "stale-sequence")?.1 == .rejected)
        #expect(queue.refused(envelopes[2].transactionID, code: "device-revoked")?.1 == .rejected)
        #expect(queue.refused(envelopes[3].transactionID, code: "mempool-full")?.1 == .retry)
        #expect(queue.entries.map(\.envelope) == [envelopes[3], envelopes[4]])
        #expect(queue.entries.allSatisfy { $0.state == .pending }, "a retry resends it and everything after it")
        #expect(queue.refused(SHA256Hasher.hash([9]), code: "malformed") == nil)
    }

    @Test func onlyAlreadyCommittedEndsAnEnvelopeAsRecorded() {
        #expect(OutboundQueue.classify("already-committed") == .alreadyRecorded)
        for code in ["stale-sequence", "bad-nonce", "duplicate-sequence", "device-revoked", "bad-signature", ""] {
            #expect(OutboundQueue.classify(code) == .rejected, "\(code)")
        }
        for code in ["mempool-full", "node-unavailable", "store-unavailable", "timeout"] {
            #expect(OutboundQueue.classify(code) == .retry, "\(code)")
        }
    }

    /// A resend whose sequence numbers another reading took (it overtook this one through another
    /// node's mempool) is refused `stale-sequence`: the queue reports it rejected and goes on with
    /// the rest, rather than counting it as recorded.
    @Test func aResendOvertakenByAnotherReadingIsRejectedNotRecorded() throws {
        var queue = OutboundQueue(limits: QueueLimits(inflightWindow: 2))
        let envelopes = DeviceFixture.envelopes(count: 3)
        for envelope in envelopes { try queue.enqueue(envelope) }
        _ = queue.nextToSend(nowMillis: 0)
        _ = queue.nextToSend(nowMillis: 0)
        queue.accepted(envelopes[1].transactionID, nowMillis: 1)
        queue.committed(envelopes[1].transactionID)
        #expect(queue.requeueUnanswered(nowMillis: 1_000, timeoutMillis: 1_000) == 1, "envelope 0 was never answered")
        #expect(queue.nextToSend(nowMillis: 1_000) == envelopes[0])
        let refusal = queue.refused(envelopes[0].transactionID, code: "stale-sequence")
        #expect(refusal?.0 == envelopes[0])
        #expect(refusal?.1 == .rejected)
        #expect(queue.entries.map(\.envelope) == [envelopes[2]])
        #expect(queue.nextToSend(nowMillis: 1_001) == envelopes[2])
    }

    @Test func unansweredEnvelopesAreSentAgainAfterTheTimeout() throws {
        var queue = OutboundQueue(limits: QueueLimits(inflightWindow: 2))
        let envelopes = DeviceFixture.envelopes(count: 3)
        for envelope in envelopes { try queue.enqueue(envelope) }
        _ = queue.nextToSend(nowMillis: 100)
        queue.accepted(envelopes[0].transactionID, nowMillis: 150)
        _ = queue.nextToSend(nowMillis: 200)
        #expect(queue.requeueUnanswered(nowMillis: 1_149, timeoutMillis: 1_000) == 0)
        #expect(queue.requeueUnanswered(nowMillis: 1_150, timeoutMillis: 1_000) == 2)
        #expect(queue.nextToSend(nowMillis: 1_200) == envelopes[0])
    }

    @Test func aLostEnvelopeIsResentWithEverythingAfterIt() throws {
        var queue = OutboundQueue(limits: QueueLimits(inflightWindow: 3))
        let envelopes = DeviceFixture.envelopes(count: 3)
        for envelope in envelopes { try queue.enqueue(envelope) }
        for envelope in envelopes {
            _ = queue.nextToSend(nowMillis: 0)
            queue.accepted(envelope.transactionID, nowMillis: 0)
        }
        queue.resend(envelopes[1].transactionID)
        #expect(queue.nextToSend(nowMillis: 1) == envelopes[1])
        #expect(queue.nextToSend(nowMillis: 1) == envelopes[2])
    }

    @Test func aFullQueueRefusesTheNewestAndKeepsTheRest() throws {
        var queue = OutboundQueue(limits: QueueLimits(maxEnvelopes: 2))
        let envelopes = DeviceFixture.envelopes(count: 3)
        try queue.enqueue(envelopes[0])
        try queue.enqueue(envelopes[1])
        #expect(!queue.hasRoom())
        do throws(DeviceError) {
            try queue.enqueue(envelopes[2])
            Issue.record("a full queue took another envelope")
        } catch {
            #expect(error.code == "queue-full")
        }
        #expect(queue.entries.map(\.envelope) == Array(envelopes[0...1]))
        try queue.enqueue(envelopes[2], ignoringLimits: true)
        #expect(queue.count == 3)

        var bytes = OutboundQueue(limits: QueueLimits(maxBytes: envelopes[0].bytes.count))
        try bytes.enqueue(envelopes[0])
        #expect(throws: DeviceError.self) { try bytes.enqueue(envelopes[1]) }
    }

    @Test func envelopesMustFollowInSequenceOrder() throws {
        var queue = OutboundQueue()
        let envelopes = DeviceFixture.envelopes(count: 2)
        try queue.enqueue(envelopes[1])
        #expect(throws: DeviceError.self) { try queue.enqueue(envelopes[0]) }
        #expect(throws: DeviceError.self) { try queue.enqueue(envelopes[1]) }
    }
}
