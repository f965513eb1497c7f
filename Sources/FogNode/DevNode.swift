public import FogCrypto
public import FogExecution
import FogMerkle
public import FogStore
public import FogTypes
import Foundation
public import Logging

/// How a dev node produces blocks.
public struct DevNodeConfiguration: Hashable, Sendable {
    /// The least time between two blocks.
    public var minBlockInterval: Duration
    /// When set, a block (possibly empty) is produced at least this often; `nil`: only when
    /// envelopes are pending.
    public var emptyBlockInterval: Duration?
    /// The mempool limits (clamped so that one block always takes the whole mempool).
    public var mempool: MempoolLimits

    /// Creates a configuration.
    public init(minBlockInterval: Duration = .milliseconds(10), emptyBlockInterval: Duration? = nil,
                mempool: MempoolLimits = MempoolLimits()) {
        self.minBlockInterval = minBlockInterval
        self.emptyBlockInterval = emptyBlockInterval
        self.mempool = mempool
    }

    /// Envelope bytes one block may carry: the block limit less room for the header and last commit.
    public static let maxBlockEnvelopeBytes = ObjectLimits.maxBlockBytes - 64 * 1024
}

/// Where a transaction is.
public enum TransactionStatus: Hashable, Sendable {
    /// Committed, with its receipt and location.
    case committed(StoredReceipt)
    /// Admitted and waiting for a block.
    case pending
    /// Neither.
    case unknown
}

/// A dev node cannot start with what it was given.
public struct DevNodeSetupError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A block the node committed.
public struct CommittedBlock: Hashable, Sendable {
    /// Its header.
    public let header: BlockHeader
    /// How many envelopes it carries.
    public let envelopes: Int
    /// How many readings it committed.
    public let readings: Int
}

/// The state of a ``LedgerStore``'s latest height as a `StateReader` value (for overlays).
struct LatestState: StateReader, Sendable {
    let store: any LedgerStore
    func record(_ key: Hash256) throws -> [UInt8]? { try store.record(key) }
    func node(_ hash: Hash256, version: UInt64) throws -> SparseMerkleStoredNode? { try store.node(hash, version: version) }
}

/// What admission builds on while a block is being committed: the store's latest state under the
/// writes of the block in flight (empty when none), which the store will hold once it commits.
struct AdmissionBase: StateReader, Sendable {
    let store: any LedgerStore
    let committing: [Hash256: [UInt8]?]
    func record(_ key: Hash256) throws -> [UInt8]? {
        if let write = committing[key] { return write }
        return try store.record(key)
    }
    func node(_ hash: Hash256, version: UInt64) throws -> SparseMerkleStoredNode? { try store.node(hash, version: version) }
}

/// A single-validator node: admits envelopes to a bounded mempool, produces, signs and commits
/// blocks (one validator: its precommit is the commit, so each block is final at once), and serves
/// proofs. The block producer (``BlockProducerService``) drives ``produceBlock(allowEmpty:)``.
///
/// Admission is split so that both cores work: ``submit(_:)`` decodes the envelope and verifies its
/// signature outside the actor (with the key ``signerKeys`` remembers for the signer; envelopes
/// submitted at the same time are checked as one batch, ``PreparationBatcher``), then a
/// short step on the actor checks it against the state (sequence numbers, nonces, device status)
/// and adds it to the mempool. A block is taken from the mempool on the actor, but executed and
/// committed outside it, so admission into the next block goes on while the current one commits;
/// envelopes verified at admission with the key the state still holds are not verified again.
public actor DevNode {
    /// The chain's genesis.
    public nonisolated let genesis: Genesis
    /// The store every block is committed to.
    public nonisolated let store: any LedgerStore
    /// The executor of the chain.
    public nonisolated let executor: Executor
    /// The configuration.
    public nonisolated let configuration: DevNodeConfiguration
    /// The signers' keys as of their last admission, for verifying before admission.
    public nonisolated let signerKeys: SignerKeyCache
    /// Prepares single submissions that arrive together as one batch.
    private nonisolated let preparation: PreparationBatcher
    private nonisolated let validatorKey: PrivateKey
    private nonisolated let logger: Logger
    private nonisolated let now: @Sendable () -> UInt64
    /// Where blocks are executed and committed: a thread outside Swift's cooperative pool, which has
    /// one thread per core; a commit waiting there for its fsync would leave admission one core short.
    private nonisolated let blockQueue = DispatchQueue(label: "fogledger.dev-node.blocks")
    private var mempool: Mempool
    /// The prepared form of each envelope in `mempool`, in the same order.
    private var admitted: [PreparedEnvelope] = []
    /// The ids of the block being executed and committed.
    private var committing: Set<Hash256> = []
    /// Whether a block is being executed and committed.
    private var producing = false
    /// The height of the block the mempool fills.
    private var nextHeight: UInt64
    /// The latest state, the block in flight and every pending envelope's writes, for admission.
    private var pendingState: StateOverlay<AdmissionBase>
    /// Who hears of each committed block (``committedTransactions()``).
    var commitObservers = CommitObservers()

    /// A node for `genesis` whose only validator's key is `validatorKey`, committing to `store`.
    /// `now` gives the wall-clock time in milliseconds (block header times).
    public init(genesis: Genesis, validatorKey: PrivateKey, store: any LedgerStore,
                configuration: DevNodeConfiguration = DevNodeConfiguration(), logger: Logger,
                now: @escaping @Sendable () -> UInt64 = DevNode.wallClockMillis) throws {
        guard genesis.validators.validators.count == 1,
              genesis.validators.validator(validatorKey.publicKey.address) != nil
        else {
            throw DevNodeSetupError("a dev node needs a genesis whose only validator is its key")
        }
        guard store.metadata.genesisHash == genesis.hash else {
            throw StoreError(.genesisMismatch, "the store belongs to another genesis")
        }
        var limits = configuration.mempool
        limits.maxCount = max(1, min(limits.maxCount, ObjectLimits.maxBlockTransactions))
        limits.maxBytes = max(ObjectLimits.maxEnvelopeBytes, min(limits.maxBytes, DevNodeConfiguration.maxBlockEnvelopeBytes))
        var clamped = configuration
        clamped.mempool = limits
        self.genesis = genesis
        self.store = store
        self.executor = Executor(chainID: genesis.chainID)
        self.configuration = clamped
        let executor = self.executor, signerKeys = SignerKeyCache()
        self.signerKeys = signerKeys
        self.preparation = PreparationBatcher { executor.prepareAll($0, signerKey: signerKeys.key(of:)) }
        self.validatorKey = validatorKey
        self.logger = logger
        self.now = now
        self.mempool = Mempool(limits: limits)
        self.nextHeight = try store.latestHeight() + 1
        self.pendingState = StateOverlay(base: AdmissionBase(store: store, committing: [:]))
    }

    /// Milliseconds since the Unix epoch, from the system clock.
    @Sendable public static func wallClockMillis() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970 * 1000))
    }

    // MARK: Admission

    /// Admits one COSE_Sign1 envelope (reading, reading batch or transaction) to the mempool after
    /// checking it against the latest state and the envelopes already pending. Returns its id.
    ///
    /// Decoding and the signature check run outside the actor (envelopes submitted at the same time
    /// are checked as one batch, ``PreparationBatcher``); only the state checks and the mempool
    /// insert run on the actor. A resend of a transaction already committed is refused with
    /// `already-committed`, not with the sequence or nonce conflict admission found
    /// (``SubmissionError/resolvingCommitted(_:in:)``).
    public nonisolated func submit(_ envelope: [UInt8]) async throws(SubmissionError) -> Hash256 {
        let prepared = await preparation.prepare(envelope)
        do throws(SubmissionError) {
            return try await admit(prepared)
        } catch {
            throw error.resolvingCommitted(prepared.transactionID, in: store)
        }
    }

    /// Admits an envelope prepared with this node's ``executor`` (see ``submit(_:)``).
    public func admit(_ envelope: PreparedEnvelope) throws(SubmissionError) -> Hash256 {
        guard mempool.fits(envelope.bytes.count) else {
            throw SubmissionError.mempoolFull(count: mempool.count, bytes: mempool.byteCount)
        }
        let id = envelope.transactionID
        guard !mempool.contains(id), !committing.contains(id) else {
            throw SubmissionError(.conflict, "duplicate", "envelope \(id) is already pending")
        }
        let admission: Admission
        do {
            if Self.mayChangeValidators(envelope) {
                // Rare: checked on a copy, so that a change that would halt the chain leaves nothing.
                var scratch = pendingState
                admission = try executor.admit(envelope, height: nextHeight, overlay: &scratch)
                if admission.error == nil {
                    try keepsQuorum(scratch)
                    pendingState = scratch
                }
            } else {
                // A refused envelope's writes are discarded by the executor; the overlay is only ever
                // mutated in place (a copy would duplicate every pending write on each admission).
                admission = try executor.admit(envelope, height: nextHeight, overlay: &pendingState)
            }
        } catch let error as SubmissionError {
            throw error
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
        admitted.append(envelope)
        return id
    }

    /// Refuses an envelope after which this node's validator would no longer hold more than 2/3 of
    /// the pending set's power: a dev chain has one signer, and a set it cannot commit alone would
    /// halt it. Blocks take the mempool in admission order, so the check made here is the block's.
    private func keepsQuorum(_ state: StateOverlay<AdmissionBase>) throws {
        guard let pending = try state.pendingValidatorSet() else { return }
        let power = pending.validator(validatorKey.publicKey.address)?.power ?? 0
        guard pending.isQuorum(power) else {
            throw SubmissionError(.rejected, "would-halt-dev-chain",
                                  "the dev node's validator would hold \(power) of \(pending.totalPower) power, not more than 2/3")
        }
    }

    /// Whether `envelope` is a validator transaction, which may change the pending validator set.
    private static func mayChangeValidators(_ envelope: PreparedEnvelope) -> Bool {
        guard case .success(.transaction(let signed)) = envelope.decoded else { return false }
        return ValidatorTransaction.carries(signed.object.kind)
    }

    /// The number of pending envelopes.
    public var pendingCount: Int { mempool.count }

    /// Whether `id` waits in the mempool or in the block being committed.
    public func isPending(_ id: Hash256) -> Bool {
        mempool.contains(id) || committing.contains(id)
    }

    /// Where transaction `id` is. (Pending is asked first: an envelope leaves the pending set only
    /// after its block is in the store.)
    public nonisolated func status(of id: Hash256) async throws -> TransactionStatus {
        if await isPending(id) { return .pending }
        if let stored = try store.receipt(transactionID: id) { return .committed(stored) }
        return .unknown
    }

    // MARK: Blocks

    /// Produces, signs and commits the next block with every pending envelope; with nothing pending,
    /// only when `allowEmpty`. Returns what was committed, or `nil` when no block was made.
    ///
    /// The envelopes are taken on the actor; execution and the store commit run on a thread of their
    /// own (not the cooperative pool), while admission into the following block continues. Calls
    /// must not overlap (one producer). When execution or the commit fails, everything pending is dropped (its admission
    /// assumed the failed block) and the error is rethrown.
    @discardableResult
    public nonisolated func produceBlock(allowEmpty: Bool = false) async throws -> CommittedBlock? {
        guard let draft = await takeBlock(allowEmpty: allowEmpty) else { return nil }
        do {
            let block = try await withCheckedThrowingContinuation { continuation in
                blockQueue.async {
                    continuation.resume(with: Result {
                        try self.executeAndCommit(height: draft.height, envelopes: draft.envelopes)
                    })
                }
            }
            await finishBlock(failed: false)
            await publishCommitted(CommittedTransactions(height: draft.height, ids: draft.envelopes.map(\.transactionID)))
            return block
        } catch {
            await finishBlock(failed: true)
            throw error
        }
    }

    /// Takes every pending envelope for block `nextHeight` and starts the next block's admission on
    /// top of their writes.
    private func takeBlock(allowEmpty: Bool) -> (height: UInt64, envelopes: [PreparedEnvelope])? {
        precondition(!producing, "one producer: produceBlock calls must not overlap")
        guard mempool.count > 0 || allowEmpty else { return nil }
        let taken = mempool.take(maxCount: ObjectLimits.maxBlockTransactions,
                                 maxBytes: DevNodeConfiguration.maxBlockEnvelopeBytes)
        precondition(mempool.count == 0 && taken.count == admitted.count,
                     "the mempool limits let one block take everything")
        let envelopes = admitted
        admitted = []
        committing = Set(taken.map { $0.id })
        var writes: [Hash256: [UInt8]?] = [:]
        for change in pendingState.changes { writes[change.key] = .some(change.record) }
        pendingState = StateOverlay(base: AdmissionBase(store: store, committing: writes))
        producing = true
        let height = nextHeight
        nextHeight += 1
        return (height, envelopes)
    }

    /// Tells every observer of commits about a committed block.
    private func publishCommitted(_ block: CommittedTransactions) {
        commitObservers.publish(block)
    }

    /// Ends the block in flight; after a failure, drops what is pending and starts over from the store.
    private func finishBlock(failed: Bool) {
        producing = false
        committing = []
        guard failed else { return }
        logger.error("a block failed; the pending envelopes are dropped", metadata: ["dropped": "\(mempool.count)"])
        mempool = Mempool(limits: configuration.mempool)
        admitted = []
        pendingState = StateOverlay(base: AdmissionBase(store: store, committing: [:]))
        if let latest = try? store.latestHeight() { nextHeight = latest + 1 }
    }

    /// Executes `envelopes` as block `height` on the store's latest state, signs the validator's
    /// precommit and commits block, commit, receipts, readings and state changes in one transaction.
    private nonisolated func executeAndCommit(height: UInt64, envelopes: [PreparedEnvelope]) throws -> CommittedBlock {
        let latest = try store.latestHeight()
        precondition(latest + 1 == height, "block \(height) follows \(latest): one producer commits in order")
        let previous = latest == 0 ? nil : try store.header(at: latest)
        let previousCommit = latest == 0 ? nil : try store.commit(at: latest)
        let parentRoot = try store.latestStateRoot()
        let time = max(now(), (previous?.timeMillis ?? genesis.timeMillis) + 1)
        let execution = try executor.executeBlock(
            prepared: envelopes, context: BlockContext(height: height, timeMillis: time), parentRoot: parentRoot,
            state: store)
        let header = try BlockHeader(
            chainID: genesis.chainID, height: height, timeMillis: time,
            previousBlockID: previous?.blockID ?? .zero, lastCommitHash: previousCommit?.hash ?? .zero,
            transactionsRoot: execution.transactionsRoot, readingsRoot: execution.readingsRoot,
            stateRoot: execution.stateRoot, validatorsHash: execution.validators.hash,
            nextValidatorsHash: execution.nextValidators.hash, proposer: validatorKey.publicKey.address)
        let block = try Block(header: header, transactions: envelopes.map(\.bytes), lastCommit: previousCommit)
        let precommit = try Signed.sign(
            try Vote(chainID: genesis.chainID, step: .precommit, height: height, round: 0, blockID: header.blockID,
                     validator: validatorKey.publicKey.address),
            with: validatorKey)
        let commit = try Commit(precommits: [precommit])
        try store.commitBlock(BlockCommitment(block: block, commit: commit, execution: execution))
        logger.debug("committed block", metadata: [
            "height": "\(height)", "transactions": "\(envelopes.count)", "readings": "\(execution.readings.count)",
        ])
        return CommittedBlock(header: header, envelopes: envelopes.count, readings: execution.readings.count)
    }
}
