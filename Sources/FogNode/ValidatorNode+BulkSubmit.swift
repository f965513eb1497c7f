public import FogCrypto
import FogExecution

/// Bulk submission on a validator: prepared off the actor, admitted in one visit to it, and gossiped
/// through the same ``GossipOutbox`` as single submissions, so a signer's envelopes reach every peer
/// in admission order whichever route they came by.
extension ValidatorNode {
    /// Admits `envelopes` in order (see ``LedgerNode/submitAll(_:)``) and gossips the admitted ones
    /// to every peer, in admission order. A resend of a transaction already committed is refused
    /// with `already-committed` (``SubmissionError/resolvingCommitted(_:in:)``).
    ///
    /// When the mempool has no room at all, every envelope is refused with `mempool-full` before any
    /// is decoded or verified: an overloaded validator spends nothing on what it would refuse.
    public nonisolated func submitAll(_ envelopes: [[UInt8]]) async -> [Result<Hash256, SubmissionError>] {
        // The flag spares the usual case a visit to the actor; the actor's answer carries the counts.
        if mempoolIsFull.load(ordering: .relaxed), let full = await mempoolFullRefusal() {
            return Array(repeating: .failure(full), count: envelopes.count)
        }
        let prepared = await BulkAdmission.prepare(envelopes) { self.prepareAll($0) }
        return BulkAdmission.resolvingCommitted(await admitSubmittedAll(prepared), of: prepared, in: store)
    }

    /// Admits prepared envelopes in order, queues those admitted for the peers and sends them at once
    /// (a bulk submission is already a burst), then starts the next height if it waited for envelopes.
    func admitSubmittedAll(_ envelopes: [PreparedEnvelope]) -> [Result<Hash256, SubmissionError>] {
        let results = BulkAdmission.inOrder(envelopes) { envelope throws(SubmissionError) in
            try admitAndGossip(envelope)
        }
        flushGossip()
        startHeightIfWaiting()
        return results
    }
}
