public import FogCrypto
import FogExecution

/// Bulk submission: many envelopes prepared on every core, then admitted in one step on the actor.
extension DevNode {
    /// Admits `envelopes` in order (see ``LedgerNode/submitAll(_:)``): each is decoded and verified
    /// outside the actor (spread over the cores when there are many), then all are checked against
    /// the state and added to the mempool in one visit to the actor, so a device's envelopes in one
    /// submission are admitted in their order, with nothing else between them. A resend of a
    /// transaction already committed is refused with `already-committed`
    /// (``SubmissionError/resolvingCommitted(_:in:)``).
    public nonisolated func submitAll(_ envelopes: [[UInt8]]) async -> [Result<Hash256, SubmissionError>] {
        let executor = self.executor, keys = self.signerKeys
        let prepared = await BulkAdmission.prepare(envelopes) { executor.prepareAll($0, signerKey: keys.key(of:)) }
        return BulkAdmission.resolvingCommitted(await admitAll(prepared), of: prepared, in: store)
    }

    /// Admits prepared envelopes in order, one result each.
    func admitAll(_ envelopes: [PreparedEnvelope]) -> [Result<Hash256, SubmissionError>] {
        BulkAdmission.inOrder(envelopes) { envelope throws(SubmissionError) in try admit(envelope) }
    }
}
