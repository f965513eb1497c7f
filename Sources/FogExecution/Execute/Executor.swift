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
    ///
    /// Throws only what `state` throws, ``StateCorruption`` or a `MerkleError` of a store that
    /// lacks the parent tree; then nothing is applied.
    public func executeBlock(
        _ envelopes: [[UInt8]], context: BlockContext, parentRoot: Hash256, state: some StateReader
    ) throws -> BlockExecution {
        var overlay = StateOverlay(base: state)
        let sets = try beginBlock(context, overlay: &overlay)
        var outcomes: [EnvelopeOutcome] = []
        outcomes.reserveCapacity(envelopes.count)
        var readings: [Reading] = []
        for bytes in envelopes {
            let (outcome, committed) = try apply(bytes, context: context, overlay: &overlay)
            outcomes.append(outcome)
            readings.append(contentsOf: committed)
        }
        let diff = try overlay.diff(parentRoot: parentRoot)
        return BlockExecution(
            outcomes: outcomes,
            readings: readings,
            transactionsRoot: MerkleTree.root(leafHashes: envelopes.map(MerkleTree.leafHash)),
            readingsRoot: MerkleTree.root(leafHashes: readings.map { MerkleTree.leafHash($0.encoded) }),
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
        let (outcome, _) = try apply(envelope, context: BlockContext(height: height, timeMillis: 0), overlay: &overlay)
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
        let (outcome, _) = try apply(envelope, context: BlockContext(height: height, timeMillis: 0), overlay: &overlay)
        return (outcome.receipt.transactionID, outcome.error)
    }

    /// Applies one envelope to `overlay`: all of its writes, or (with an error) none.
    func apply<Base>(_ bytes: [UInt8], context: BlockContext,
                     overlay: inout StateOverlay<Base>) throws -> (EnvelopeOutcome, [Reading]) {
        let envelope: SignedEnvelope
        do {
            envelope = try SignedEnvelope(decoding: bytes, chain: chainID)
        } catch {
            return (failed(SignedEnvelope.transactionID(of: bytes), ExecutionError(error), context, &overlay), [])
        }
        let committed: [Reading]
        do {
            committed = try apply(envelope, context: context, overlay: &overlay)
        } catch let error as ExecutionError {
            return (failed(envelope.transactionID, error, context, &overlay), [])
        } catch let error as ObjectError {
            return (failed(envelope.transactionID, ExecutionError(error), context, &overlay), [])
        }
        overlay.commitPending()
        // Codes are short constants (≤ maxReceiptCodeBytes), so a receipt always builds.
        let receipt = try! Receipt(transactionID: envelope.transactionID, height: context.height, code: Receipt.ok)
        return (EnvelopeOutcome(receipt: receipt, error: nil), committed)
    }

    /// Discards the envelope's writes and makes its failure receipt.
    private func failed<Base>(_ id: Hash256, _ error: ExecutionError, _ context: BlockContext,
                              _ overlay: inout StateOverlay<Base>) -> EnvelopeOutcome {
        overlay.discardPending()
        let receipt = try! Receipt(transactionID: id, height: context.height, code: error.code.name)
        return EnvelopeOutcome(receipt: receipt, error: error)
    }

    func apply<Base>(_ envelope: SignedEnvelope, context: BlockContext,
                     overlay: inout StateOverlay<Base>) throws -> [Reading] {
        switch envelope {
        case .reading(let signed):
            try applyReadings([signed.object], device: signed.object.device, verify: signed.verify(with:), overlay: &overlay)
            return [signed.object]
        case .readingBatch(let signed):
            try applyReadings(signed.object.readings, device: signed.object.device, verify: signed.verify(with:), overlay: &overlay)
            return signed.object.readings
        case .transaction(let signed):
            try applyTransaction(signed, context: context, overlay: &overlay)
            return []
        }
    }
}
