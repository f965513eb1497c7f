public import FogCrypto
import FogExecution
import FogTypes
import FogWire

/// Admission and gossip: an envelope is checked against the latest state plus every pending
/// envelope (as the dev node does), kept in the bounded mempool, and sent once to every peer. Peers
/// admit gossiped envelopes the same way and never forward them (validators are fully connected;
/// a duplicate is recognised by its id and dropped). After each committed block the pending
/// envelopes are checked again on the new state and those that became invalid are dropped.
extension ValidatorNode {
    /// Admits one COSE_Sign1 envelope to the mempool and gossips it to the peers. Returns its id.
    public func submit(_ envelope: [UInt8]) throws(SubmissionError) -> Hash256 {
        let id = try admit(envelope)
        _ = try? network.broadcast(.transactions([envelope]))
        return id
    }

    /// The number of pending envelopes.
    public var pendingCount: Int { mempool.count }

    /// Where transaction `id` is.
    public func status(of id: Hash256) throws -> TransactionStatus {
        if mempool.contains(id) { return .pending }
        if let stored = try store.receipt(transactionID: id) { return .committed(stored) }
        return .unknown
    }

    /// Admits an envelope a peer gossiped; a refusal is not an error of this node.
    func admitGossiped(_ envelope: [UInt8]) {
        do {
            _ = try admit(envelope)
        } catch {
            logger.trace("gossiped envelope not admitted", metadata: ["reason": "\(error.code)"])
        }
    }

    /// Checks an envelope against the latest state and the pending ones and adds it to the mempool.
    private func admit(_ envelope: [UInt8]) throws(SubmissionError) -> Hash256 {
        guard mempool.fits(envelope.count) else {
            throw SubmissionError(.unavailable, "mempool-full",
                                  "the mempool holds \(mempool.count) envelopes (\(mempool.byteCount) bytes); try again later")
        }
        let id = SignedEnvelope.transactionID(of: envelope)
        guard !mempool.contains(id) else {
            throw SubmissionError(.conflict, "duplicate", "envelope \(id) is already pending")
        }
        let outcome: (id: Hash256, error: ExecutionError?)
        do {
            let height = try store.latestHeight() + 1
            var scratch = pendingState
            outcome = try chain.executor.admit(envelope, height: height, overlay: &scratch)
            if outcome.error == nil { pendingState = scratch }
        } catch {
            logger.error("admission failed on the store", metadata: ["error": "\(error)"])
            throw SubmissionError(.unavailable, "store-unavailable", "the node could not read its state")
        }
        if let error = outcome.error { throw SubmissionError(error) }
        do {
            try mempool.add(id: outcome.id, bytes: envelope)
        } catch {
            // fits() and contains() were checked above, and nothing ran in between.
            preconditionFailure("mempool refused an admitted envelope: \(error)")
        }
        return outcome.id
    }

    /// Re-admits the pending envelopes on the state of the block just committed, in their order;
    /// the committed ones and those that became invalid are dropped.
    func recheckMempool() {
        let pending = mempool.envelopes
        mempool = Mempool(limits: configuration.mempool)
        pendingState = StateOverlay(base: LatestState(store: store))
        var dropped = 0
        for entry in pending {
            if (try? store.receipt(transactionID: entry.id)) != nil {
                continue
            }
            do {
                _ = try admit(entry.bytes)
            } catch {
                dropped += 1
            }
        }
        if dropped > 0 { logger.debug("dropped envelopes invalid after the block", metadata: ["count": "\(dropped)"]) }
    }
}
