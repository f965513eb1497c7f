public import FogCrypto
import FogMerkle
public import FogTypes

/// The deterministic state machine of the ledger: applies a block's envelopes (readings, reading
/// batches, account transactions) to the state and reports receipts, readings and roots.
///
/// Same parent state, envelopes and context → same result, on every node: nothing here reads a
/// clock, draws randomness, or iterates a dictionary into anything hashed. Whatever a device, user
/// or peer sent becomes a receipt with a stable code; only a failing store throws.
public struct Executor: Sendable {
    /// The chain whose envelopes this executes; others are `wrong-chain`.
    public let chainID: ChainID

    /// Creates an executor for `chainID`.
    public init(chainID: ChainID) {
        self.chainID = chainID
    }

    /// Executes a block's envelopes, in order, on the state with root `parentRoot` read from `state`.
    /// Every signature is verified: this is how a block from any proposer is executed.
    ///
    /// Throws only what `state` throws, ``StateCorruption`` or a `MerkleError` of a store that
    /// lacks the parent tree; then nothing is applied.
    public func executeBlock(
        _ envelopes: [[UInt8]], context: BlockContext, parentRoot: Hash256, state: some StateReader
    ) throws -> BlockExecution {
        try executeBlock(prepared: envelopes.map { PreparedEnvelope(bytes: $0, chain: chainID) },
                         context: context, parentRoot: parentRoot, state: state)
    }

    /// Executes envelopes this node prepared and admitted itself (``prepare(_:signerKey:)``): a
    /// signature already verified with the key the state holds for its signer is not verified again;
    /// any other is. The result is the same as ``executeBlock(_:context:parentRoot:state:)``'s on
    /// the envelopes' bytes. Use it only for envelopes prepared in this process — never for a block
    /// received from a peer, whose envelopes were not checked here.
    public func executeBlock(
        prepared envelopes: [PreparedEnvelope], context: BlockContext, parentRoot: Hash256, state: some StateReader
    ) throws -> BlockExecution {
        var overlay = StateOverlay(base: state)
        let sets = try beginBlock(context, overlay: &overlay)
        var outcomes: [EnvelopeOutcome] = []
        outcomes.reserveCapacity(envelopes.count)
        var readings: [Reading] = []
        for envelope in envelopes {
            let (outcome, committed, _) = try apply(envelope, context: context, overlay: &overlay)
            outcomes.append(outcome)
            readings.append(contentsOf: committed)
        }
        let diff = try overlay.diff(parentRoot: parentRoot, height: context.height)
        let readingEncodings = readings.map { $0.encoded }
        return BlockExecution(
            outcomes: outcomes,
            readings: readings,
            readingEncodings: readingEncodings,
            transactionsRoot: MerkleTree.root(leafHashes: envelopes.map { MerkleTree.leafHash($0.bytes) }),
            readingsRoot: MerkleTree.root(leafHashes: readingEncodings.map { MerkleTree.leafHash($0) }),
            state: diff, validators: sets.validators, nextValidators: sets.nextValidators)
    }

    /// Checks one envelope for admission to the mempool: decodes it, verifies its signature and
    /// applies it to a scratch copy of `state` (at height `height`, the next block's), keeping
    /// nothing. Returns `nil` when it would apply, else why not.
    ///
    /// A mempool holding several transactions of one account checks each later one against a state
    /// that includes the earlier ones (its own overlay), since nonces must be consecutive.
    public func check(_ envelope: [UInt8], height: UInt64, state: some StateReader) throws -> ExecutionError? {
        var overlay = StateOverlay(base: state)
        let (outcome, _, _) = try apply(PreparedEnvelope(bytes: envelope, chain: chainID),
                                        context: BlockContext(height: height, timeMillis: 0), overlay: &overlay)
        return outcome.error
    }

    /// Checks one envelope for admission against `overlay` — the latest state plus the envelopes a
    /// mempool already admitted — and, when it would apply, keeps its writes there, so that the next
    /// envelope of the same account or device is checked after it (consecutive nonces, increasing
    /// sequence numbers). The signature is verified here, once per admission.
    ///
    /// Returns the envelope's id and `nil`, or the id and why it would not apply.
    public func admit<Base>(_ envelope: [UInt8], height: UInt64,
                            overlay: inout StateOverlay<Base>) throws -> (id: Hash256, error: ExecutionError?) {
        let admission = try admit(PreparedEnvelope(bytes: envelope, chain: chainID), height: height, overlay: &overlay)
        return (admission.id, admission.error)
    }

    /// ``admit(_:height:overlay:)`` for a prepared envelope: its signature is not verified again when
    /// it was verified with the key the overlay holds for its signer.
    public func admit<Base>(_ envelope: PreparedEnvelope, height: UInt64,
                            overlay: inout StateOverlay<Base>) throws -> Admission {
        let (outcome, _, signerKey) = try apply(envelope, context: BlockContext(height: height, timeMillis: 0),
                                                overlay: &overlay)
        return Admission(id: outcome.receipt.transactionID, error: outcome.error, signerKey: signerKey)
    }

    /// Applies one envelope to `overlay`: all of its writes, or (with an error) none. Also returns
    /// the key the state held for the signer when the signature was checked.
    func apply<Base>(_ prepared: PreparedEnvelope, context: BlockContext,
                     overlay: inout StateOverlay<Base>) throws -> (EnvelopeOutcome, [Reading], PublicKey?) {
        let envelope: SignedEnvelope
        switch prepared.decoded {
        case .success(let decoded): envelope = decoded
        case .failure(let error):
            return (failed(prepared.transactionID, ExecutionError(error), context, &overlay), [], nil)
        }
        var signature = SignatureCheck(envelope: envelope, verifiedKey: prepared.verifiedKey)
        let committed: [Reading]
        do {
            committed = try apply(envelope, signature: &signature, context: context, overlay: &overlay)
        } catch let error as ExecutionError {
            return (failed(envelope.transactionID, error, context, &overlay), [], signature.stateKey)
        } catch let error as ObjectError {
            return (failed(envelope.transactionID, ExecutionError(error), context, &overlay), [], signature.stateKey)
        }
        overlay.commitPending()
        // Codes are short constants (≤ maxReceiptCodeBytes), so a receipt always builds.
        let receipt = try! Receipt(transactionID: envelope.transactionID, height: context.height, code: Receipt.ok)
        return (EnvelopeOutcome(receipt: receipt, error: nil), committed, signature.stateKey)
    }

    /// Discards the envelope's writes and makes its failure receipt.
    private func failed<Base>(_ id: Hash256, _ error: ExecutionError, _ context: BlockContext,
                              _ overlay: inout StateOverlay<Base>) -> EnvelopeOutcome {
        overlay.discardPending()
        let receipt = try! Receipt(transactionID: id, height: context.height, code: error.code.name)
        return EnvelopeOutcome(receipt: receipt, error: error)
    }

    func apply<Base>(_ envelope: SignedEnvelope, signature: inout SignatureCheck, context: BlockContext,
                     overlay: inout StateOverlay<Base>) throws -> [Reading] {
        switch envelope {
        case .reading(let signed):
            try applyReadings([signed.object], device: signed.object.device, signature: &signature, overlay: &overlay)
            return [signed.object]
        case .readingBatch(let signed):
            try applyReadings(signed.object.readings, device: signed.object.device, signature: &signature, overlay: &overlay)
            return signed.object.readings
        case .transaction(let signed):
            return try applyTransaction(signed, signature: &signature, context: context, overlay: &overlay)
        }
    }
}

/// The outcome of admitting one envelope.
public struct Admission: Sendable {
    /// The envelope's id.
    public let id: Hash256
    /// Why it would not apply; `nil` when it was admitted.
    public let error: ExecutionError?
    /// The key the state holds for the signer (what the signature was, or would have been, checked
    /// against), when the signer was found.
    public let signerKey: PublicKey?
}
