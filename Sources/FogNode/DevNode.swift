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
    func node(_ hash: Hash256) throws -> SparseMerkleNode? { try store.node(hash) }
}

/// A single-validator node: admits envelopes to a bounded mempool, produces, signs and commits
/// blocks (one validator: its precommit is the commit, so each block is final at once), and serves
/// proofs. The block producer (``BlockProducerService``) drives ``produceBlock(allowEmpty:)``.
public actor DevNode {
    /// The chain's genesis.
    public nonisolated let genesis: Genesis
    /// The store every block is committed to.
    public nonisolated let store: any LedgerStore
    /// The executor of the chain.
    public nonisolated let executor: Executor
    /// The configuration.
    public nonisolated let configuration: DevNodeConfiguration
    private let validatorKey: PrivateKey
    private let logger: Logger
    private let now: @Sendable () -> UInt64
    private var mempool: Mempool
    /// The latest state plus the writes of every pending envelope, for admission.
    private var pendingState: StateOverlay<LatestState>

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
        self.validatorKey = validatorKey
        self.logger = logger
        self.now = now
        self.mempool = Mempool(limits: limits)
        self.pendingState = StateOverlay(base: LatestState(store: store))
    }

    /// Milliseconds since the Unix epoch, from the system clock.
    @Sendable public static func wallClockMillis() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970 * 1000))
    }

    // MARK: Admission

    /// Admits one COSE_Sign1 envelope (reading, reading batch or transaction) to the mempool after
    /// checking it against the latest state and the envelopes already pending. Returns its id.
    public func submit(_ envelope: [UInt8]) throws(SubmissionError) -> Hash256 {
        guard mempool.fits(envelope.count) else {
            throw SubmissionError(.unavailable, "mempool-full",
                                  "the mempool holds \(mempool.count) envelopes (\(mempool.byteCount) bytes); try again later")
        }
        let id = SignedEnvelope.transactionID(of: envelope)
        guard !mempool.contains(id) else {
            throw SubmissionError(.conflict, "duplicate", "envelope \(id) is already pending")
        }
        let height: UInt64
        let outcome: (id: Hash256, error: ExecutionError?)
        do {
            height = try store.latestHeight() + 1
            var scratch = pendingState
            outcome = try executor.admit(envelope, height: height, overlay: &scratch)
            if outcome.error == nil {
                try keepsQuorum(scratch)
                pendingState = scratch
            }
        } catch let error as SubmissionError {
            throw error
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

    /// Refuses an envelope after which this node's validator would no longer hold more than 2/3 of
    /// the pending set's power: a dev chain has one signer, and a set it cannot commit alone would
    /// halt it. Blocks take the mempool in admission order, so the check made here is the block's.
    private func keepsQuorum(_ state: StateOverlay<LatestState>) throws {
        guard let pending = try state.pendingValidatorSet() else { return }
        let power = pending.validator(validatorKey.publicKey.address)?.power ?? 0
        guard pending.isQuorum(power) else {
            throw SubmissionError(.rejected, "would-halt-dev-chain",
                                  "the dev node's validator would hold \(power) of \(pending.totalPower) power, not more than 2/3")
        }
    }

    /// The number of pending envelopes.
    public var pendingCount: Int { mempool.count }

    /// Where transaction `id` is.
    public func status(of id: Hash256) throws -> TransactionStatus {
        if mempool.contains(id) { return .pending }
        if let stored = try store.receipt(transactionID: id) { return .committed(stored) }
        return .unknown
    }

    // MARK: Blocks

    /// Produces, signs and commits the next block with every pending envelope; with nothing pending,
    /// only when `allowEmpty`. Returns what was committed, or `nil` when no block was made.
    @discardableResult
    public func produceBlock(allowEmpty: Bool = false) throws -> CommittedBlock? {
        guard mempool.count > 0 || allowEmpty else { return nil }
        let latest = try store.latestHeight()
        let height = latest + 1
        let previous = latest == 0 ? nil : try store.header(at: latest)
        let previousCommit = latest == 0 ? nil : try store.commit(at: latest)
        let parentRoot = try store.latestStateRoot()
        let taken = mempool.take(maxCount: ObjectLimits.maxBlockTransactions,
                                 maxBytes: DevNodeConfiguration.maxBlockEnvelopeBytes)
        precondition(mempool.count == 0, "the mempool limits let one block take everything")
        pendingState = StateOverlay(base: LatestState(store: store))
        let envelopes = taken.map(\.bytes)
        let time = max(now(), (previous?.timeMillis ?? genesis.timeMillis) + 1)
        let execution = try executor.executeBlock(
            envelopes, context: BlockContext(height: height, timeMillis: time), parentRoot: parentRoot, state: store)
        let header = try BlockHeader(
            chainID: genesis.chainID, height: height, timeMillis: time,
            previousBlockID: previous?.blockID ?? .zero, lastCommitHash: previousCommit?.hash ?? .zero,
            transactionsRoot: execution.transactionsRoot, readingsRoot: execution.readingsRoot,
            stateRoot: execution.stateRoot, validatorsHash: execution.validators.hash,
            nextValidatorsHash: execution.nextValidators.hash, proposer: validatorKey.publicKey.address)
        let block = try Block(header: header, transactions: envelopes, lastCommit: previousCommit)
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
