import FogConsensus
import FogCrypto
import FogExecution
import FogStore
import FogTypes

/// The application side of one simulated validator: the real `Executor` on an `InMemoryLedgerStore`.
/// It builds the blocks the validator proposes, validates proposed blocks by executing them, and
/// commits decided blocks with their commits. The store and the proposer rotations survive a crash.
final class SimulatedApplication {
    let genesis: Genesis
    let store: InMemoryLedgerStore
    let executor: Executor
    /// The rotation of each height this validator started or will start (durable, like the store).
    var rotations: [UInt64: ProposerRotation]
    private var executions: [Hash256: BlockExecution] = [:]
    private let memo: VerificationMemo

    init(genesis: Genesis, memo: VerificationMemo) throws {
        self.genesis = genesis
        self.memo = memo
        self.store = try InMemoryLedgerStore(genesis: genesis)
        self.executor = Executor(chainID: genesis.chainID)
        self.rotations = [1: ProposerRotation(validators: genesis.validators)]
    }

    /// The validators of `height` (the sets do not change in these simulations).
    func validators(at height: UInt64) -> ValidatorSet { genesis.validators }

    /// The next height to decide.
    var nextHeight: UInt64 { store.latestHeight() + 1 }

    /// A block proposed by `proposer` with the pending envelopes not yet committed.
    func buildBlock(proposer: Address, timeMillis: UInt64, envelopes pending: [[UInt8]],
                    corruptStateRoot: Bool = false) throws -> Block {
        let latest = store.latestHeight()
        let height = latest + 1
        let previous = store.header(at: latest)
        let lastCommit = latest == 0 ? nil : store.commit(at: latest)
        let envelopes = pending.filter { store.receipts(transactionID: SignedEnvelope.transactionID(of: $0)).isEmpty }
        let time = max(timeMillis, (previous?.timeMillis ?? genesis.timeMillis) + 1)
        let execution = try executor.executeBlock(envelopes, context: BlockContext(height: height, timeMillis: time),
                                                  parentRoot: try store.latestStateRoot(), state: store)
        let stateRoot = corruptStateRoot ? SHA256Hasher.hash(execution.stateRoot.bytes) : execution.stateRoot
        let header = try BlockHeader(
            chainID: genesis.chainID, height: height, timeMillis: time, previousBlockID: previous?.blockID ?? .zero,
            lastCommitHash: lastCommit?.hash ?? .zero, transactionsRoot: execution.transactionsRoot,
            readingsRoot: execution.readingsRoot, stateRoot: stateRoot,
            validatorsHash: validators(at: height).hash, nextValidatorsHash: validators(at: height + 1).hash,
            proposer: proposer)
        let block = try Block(header: header, transactions: envelopes, lastCommit: lastCommit)
        if !corruptStateRoot { executions[header.blockID] = execution }
        return block
    }

    /// Whether `block` is a valid next block: it extends the stored chain, carries a verified commit
    /// of the previous block, names the right validator sets, and its roots are what executing it gives.
    func validate(_ block: Block) -> Bool {
        let header = block.header
        let latest = store.latestHeight()
        guard header.chainID == genesis.chainID, header.height == latest + 1 else { return false }
        let previous = store.header(at: latest)
        guard header.previousBlockID == (previous?.blockID ?? .zero),
              header.timeMillis > (previous?.timeMillis ?? genesis.timeMillis),
              header.lastCommitHash == (block.lastCommit?.hash ?? .zero),
              header.validatorsHash == validators(at: header.height).hash,
              header.nextValidatorsHash == validators(at: header.height + 1).hash,
              validators(at: header.height).validator(header.proposer) != nil
        else { return false }
        if let lastCommit = block.lastCommit {
            guard lastCommit.blockID == previous?.blockID,
                  memo.verifies(lastCommit, validators: validators(at: latest))
            else { return false }
        }
        guard let execution = try? executor.executeBlock(
            block.transactions, context: BlockContext(height: header.height, timeMillis: header.timeMillis),
            parentRoot: try store.latestStateRoot(), state: store)
        else { return false }
        guard execution.stateRoot == header.stateRoot, execution.transactionsRoot == header.transactionsRoot,
              execution.readingsRoot == header.readingsRoot
        else { return false }
        executions[header.blockID] = execution
        return true
    }

    /// Commits a decided block with its commit, and keeps the next height's rotation.
    func commit(_ decision: Decision) throws {
        let block = decision.block
        let id = block.header.blockID
        let execution: BlockExecution
        if let known = executions[id] {
            execution = known
        } else {
            execution = try executor.executeBlock(
                block.transactions, context: BlockContext(height: block.header.height, timeMillis: block.header.timeMillis),
                parentRoot: try store.latestStateRoot(), state: store)
        }
        try store.commitBlock(BlockCommitment(block: block, commit: decision.commit, execution: execution))
        executions = [:]
        let next = block.header.height + 1
        rotations[next] = decision.nextRotation.carried(to: validators(at: next))
    }
}
