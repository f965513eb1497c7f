public import FogCrypto
import FogExecution
public import FogStore

extension SubmissionError {
    /// The code of a refusal whose envelope is already on the ledger: this exact transaction (same
    /// id, the hash of its payload) has an applied receipt. A client that resent it after losing an
    /// answer is done; the envelope is not admitted again.
    public static let alreadyCommittedCode = "already-committed"

    /// What to answer the submitter of transaction `id` that admission refused with `self`.
    ///
    /// A sequence or nonce conflict (`stale-sequence`, `bad-nonce`) says only that the signer has
    /// moved past this number, not that this transaction is what moved it: another reading of the
    /// device with a higher sequence number may have been committed first. So the store's receipt
    /// index decides: when it holds an applied receipt for `id`, the answer is `already-committed`
    /// (a conflict, HTTP 409) naming the height; otherwise the refusal stands. Every other refusal
    /// is returned as it is, and the store is read only on this refusal path, never on admission's.
    public func resolvingCommitted(_ id: Hash256, in store: any LedgerStore) -> SubmissionError {
        guard code == ExecutionError.Code.staleSequence.name || code == ExecutionError.Code.badNonce.name else {
            return self
        }
        let receipts: [StoredReceipt]
        do {
            receipts = try store.receipts(transactionID: id)
        } catch {
            return SubmissionError(.unavailable, "store-unavailable", "the node could not read its receipts")
        }
        guard let applied = receipts.first(where: \.receipt.isOK) else { return self }
        return SubmissionError(.conflict, Self.alreadyCommittedCode,
                               "transaction \(id.hex) is already committed at height \(applied.location.height)")
    }
}
