public import FogCrypto
import FogExecution
import FogWire

/// Bulk submission on a validator: prepared off the actor, admitted in one visit to it, and gossiped
/// in as few `transactions` messages as the wire limits allow.
extension ValidatorNode {
    /// Admits `envelopes` in order (see ``LedgerNode/submitAll(_:)``) and gossips the admitted ones
    /// to every peer, in admission order.
    public nonisolated func submitAll(_ envelopes: [[UInt8]]) async -> [Result<Hash256, SubmissionError>] {
        let prepared = await BulkAdmission.prepare(envelopes) { self.prepare($0) }
        return await admitSubmittedAll(prepared)
    }

    /// Admits prepared envelopes in order, broadcasts those admitted, then starts the next height if
    /// it waited for envelopes.
    func admitSubmittedAll(_ envelopes: [PreparedEnvelope]) -> [Result<Hash256, SubmissionError>] {
        var admitted: [[UInt8]] = []
        let results = BulkAdmission.inOrder(envelopes) { envelope throws(SubmissionError) in
            let id = try admit(envelope)
            admitted.append(envelope.bytes)
            return id
        }
        for message in Self.gossipMessages(admitted) { _ = try? network.broadcast(message) }
        startHeightIfWaiting()
        return results
    }

    /// `envelopes` as `transactions` messages in order, each within `WireLimits.maxGossipEnvelopes`
    /// and the frame size (each envelope is counted with the most a CBOR byte-string head adds).
    static func gossipMessages(_ envelopes: [[UInt8]]) -> [WireMessage] {
        let budget = WireLimits.maxFrameBytes - gossipFrameOverhead
        var messages: [WireMessage] = []
        var current: [[UInt8]] = []
        var bytes = 0
        for envelope in envelopes {
            let size = envelope.count + byteStringHeadBytes
            if !current.isEmpty, current.count == WireLimits.maxGossipEnvelopes || bytes + size > budget {
                messages.append(.transactions(current))
                current = []
                bytes = 0
            }
            current.append(envelope)
            bytes += size
        }
        if !current.isEmpty { messages.append(.transactions(current)) }
        return messages
    }

    /// The most bytes a CBOR byte-string head takes for an envelope (up to 2³² − 1 bytes long).
    static let byteStringHeadBytes = 5
    /// Frame bytes around the envelopes: the type byte, the body map with its key, the array head.
    static let gossipFrameOverhead = 16
}
