public import FogCrypto
import FogExecution
import FogTypes
import FogWire

/// Admission and gossip (spec/mempool.md): an envelope is decoded and its signature verified outside
/// the actor (with the key ``SignerKeyCache`` remembers for its signer), then checked against the
/// latest state plus every pending envelope, kept in the bounded mempool with its prepared form, and
/// sent once to every peer, in admission order, batched (``GossipOutbox``). Peers prepare gossiped
/// envelopes off the actor and admit them the same way, never forwarding them (validators are fully
/// connected). An account transaction whose nonce is ahead waits in a bounded ``FutureNonceQueue``
/// for its predecessor.
/// After each committed block the pending envelopes are checked again on the new state without
/// verifying their signatures again, and those that became invalid are dropped.
extension ValidatorNode {
    /// Admits one COSE_Sign1 envelope to the mempool and gossips it to the peers. Returns its id.
    ///
    /// Decoding and the signature check run outside the actor (envelopes submitted at the same time
    /// are checked as one batch, ``PreparationBatcher``); only the state checks, the mempool insert
    /// and the broadcast run on the actor. A resend of a transaction already
    /// committed is refused with `already-committed` (``SubmissionError/resolvingCommitted(_:in:)``).
    public nonisolated func submit(_ envelope: [UInt8]) async throws(SubmissionError) -> Hash256 {
        let prepared = await preparation.prepare(envelope)
        do throws(SubmissionError) {
            return try await admitSubmitted(prepared)
        } catch {
            throw error.resolvingCommitted(prepared.transactionID, in: store)
        }
    }

    /// Admits and gossips a submitted envelope, then starts the next height if it waited for one.
    func admitSubmitted(_ envelope: PreparedEnvelope) throws(SubmissionError) -> Hash256 {
        let id = try admitAndGossip(envelope)
        startHeightIfWaiting()
        return id
    }

    /// Decodes `envelope` and verifies its signature with the key its signer last held here.
    nonisolated func prepare(_ envelope: [UInt8]) -> PreparedEnvelope {
        executor.prepare(envelope, signerKey: signerKeys.key(of:))
    }

    /// ``prepare(_:)`` for many envelopes, their signatures checked together.
    nonisolated func prepareAll(_ envelopes: ArraySlice<[UInt8]>) -> [PreparedEnvelope] {
        executor.prepareAll(envelopes, signerKey: signerKeys.key(of:))
    }

    /// Admits a prepared envelope and queues it for every peer (in admission order, so that a peer
    /// receives one signer's envelopes from this node in sequence order). Never starts a height, so
    /// it may run while the machine's actions are carried out.
    func admitAndGossip(_ envelope: PreparedEnvelope) throws(SubmissionError) -> Hash256 {
        let id = try admit(envelope)
        queueGossip(envelope.bytes)
        return id
    }

    /// Queues an admitted envelope for the peers. The queue is sent as one message when it is full,
    /// before a proposal, and otherwise ``GossipOutbox/flushDelay`` after its first envelope, so that
    /// envelopes admitted within that time share a message.
    func queueGossip(_ envelope: [UInt8]) {
        if let full = gossipOutbox.add(envelope) { broadcastGossip(full) }
        guard !gossipFlushScheduled else { return }
        gossipFlushScheduled = true
        after(GossipOutbox.flushDelay) { $0.flushGossip() }
    }

    /// Sends every queued envelope to the peers.
    func flushGossip() {
        gossipFlushScheduled = false
        guard !gossipOutbox.isEmpty else { return }
        broadcastGossip(gossipOutbox.take())
    }

    private func broadcastGossip(_ envelopes: [[UInt8]]) {
        do {
            try network.broadcast(.transactions(envelopes))
        } catch {
            logger.error("cannot gossip envelopes", metadata: ["count": "\(envelopes.count)", "error": "\(error)"])
        }
    }

    /// The refusal for any envelope while the mempool has no room at all, else `nil`.
    func mempoolFullRefusal() -> SubmissionError? {
        mempool.fits(0) ? nil : .mempoolFull(count: mempool.count, bytes: mempool.byteCount)
    }

    /// The number of pending envelopes.
    public var pendingCount: Int { mempool.count }

    /// The number of account transactions waiting for an earlier nonce.
    public var heldCount: Int { futureNonces.count }

    /// Where transaction `id` is.
    public func status(of id: Hash256) throws -> TransactionStatus {
        if mempool.contains(id) { return .pending }
        if let stored = try store.receipt(transactionID: id) { return .committed(stored) }
        return .unknown
    }

    /// Admits envelopes a peer gossiped (prepared off the actor); a refusal is not an error of this node.
    func admitGossiped(_ envelopes: [PreparedEnvelope]) {
        for envelope in envelopes {
            do {
                _ = try admit(envelope)
            } catch {
                if !holdIfAhead(envelope, error) {
                    logger.trace("gossiped envelope not admitted", metadata: ["reason": "\(error.code)"])
                }
            }
        }
        startHeightIfWaiting()
    }

    /// Checks an envelope against the latest state and the pending ones and adds it to the mempool;
    /// then admits the held transactions that now follow it.
    func admit(_ envelope: PreparedEnvelope) throws(SubmissionError) -> Hash256 {
        let id = try admitOne(envelope)
        if let signer = envelope.signer, futureNonces.count > 0 { admitHeld(of: signer) }
        return id
    }

    private func admitOne(_ envelope: PreparedEnvelope) throws(SubmissionError) -> Hash256 {
        guard mempool.fits(envelope.bytes.count) else {
            throw SubmissionError.mempoolFull(count: mempool.count, bytes: mempool.byteCount)
        }
        let id = envelope.transactionID
        guard !mempool.contains(id) else {
            throw SubmissionError(.conflict, "duplicate", "envelope \(id) is already pending")
        }
        let admission: Admission
        let marked: PreparedEnvelope
        do {
            let height = try store.latestHeight() + 1
            // A refused envelope's writes are discarded by the executor, so the overlay is mutated in place.
            (admission, marked) = try executor.admitMarkingVerified(envelope, height: height, overlay: &pendingState)
        } catch {
            pendingState.discardPending()
            logger.error("admission failed on the store", metadata: ["error": "\(error)"])
            throw SubmissionError(.unavailable, "store-unavailable", "the node could not read its state")
        }
        if let signer = envelope.signer, let key = admission.signerKey, key != envelope.verifiedKey {
            signerKeys.remember(key, for: signer)
        }
        if let error = admission.error { throw SubmissionError(error) }
        do {
            try mempool.add(id: id, bytes: envelope.bytes)
        } catch {
            // fits() and contains() were checked above, and nothing ran in between.
            preconditionFailure("mempool refused an admitted envelope: \(error)")
        }
        admitted[id] = marked
        return id
    }

    /// Holds an account transaction refused only because its nonce is ahead of the pending one.
    /// Returns whether it was held.
    private func holdIfAhead(_ envelope: PreparedEnvelope, _ error: SubmissionError) -> Bool {
        guard error.code == ExecutionError.Code.badNonce.name,
              case .success(.transaction(let signed)) = envelope.decoded,
              let expected = try? pendingState.account(signed.object.signer)?.nonce,
              signed.object.nonce > expected
        else { return false }
        return futureNonces.hold(envelope, signer: signed.object.signer, nonce: signed.object.nonce)
    }

    /// Admits `signer`'s held transactions that follow its pending nonce, in nonce order.
    private func admitHeld(of signer: Address) {
        guard let nonce = try? pendingState.account(signer)?.nonce else { return }
        futureNonces.dropBelow(nonce, signer: signer)
        var next = nonce
        while let envelope = futureNonces.take(signer: signer, nonce: next) {
            guard (try? admitOne(envelope)) != nil else { return }
            next += 1
        }
    }

    /// The prepared forms of a block's envelopes: the mempool's (already verified) when it holds the
    /// same envelope bytes; the others (gossip dropped while the mempool was full, a synced block)
    /// freshly prepared together, their signatures checked in one batch where the signer's key is
    /// remembered, and otherwise by execution.
    func preparedForExecution(_ envelopes: [[UInt8]]) -> [PreparedEnvelope] {
        var prepared: [PreparedEnvelope?] = envelopes.map { bytes in
            guard let pending = admitted[SignedEnvelope.transactionID(of: bytes)], pending.bytes == bytes,
                  pending.verifiedKey != nil
            else { return nil }
            return pending
        }
        let missing = prepared.indices.filter { prepared[$0] == nil }
        guard !missing.isEmpty else { return prepared.map { $0! } }
        envelopesVerifiedAtExecution += missing.count
        let fresh = executor.prepareAll(missing.map { envelopes[$0] }, signerKey: signerKeys.key(of:))
        for (index, envelope) in zip(missing, fresh) { prepared[index] = envelope }
        return prepared.map { $0! }
    }

    /// Re-admits the pending envelopes on the state of the block just committed, in their order
    /// (their signatures are not verified again while their signers' keys are unchanged); the
    /// committed ones and those that became invalid are dropped; held transactions that now follow
    /// are admitted.
    func recheckMempool(committed: Set<Hash256>) {
        let pending = mempool.envelopes.compactMap { admitted[$0.id] }
        mempool = Mempool(limits: configuration.mempool)
        admitted = [:]
        pendingState = StateOverlay(base: LatestState(store: store))
        var dropped = 0
        for envelope in pending {
            if committed.contains(envelope.transactionID) { continue }
            if (try? admitOne(envelope)) == nil { dropped += 1 }
        }
        for signer in futureNonces.signers { admitHeld(of: signer) }
        if dropped > 0 { logger.debug("dropped envelopes invalid after the block", metadata: ["count": "\(dropped)"]) }
    }
}
