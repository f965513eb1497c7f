import FogConsensus
import FogCrypto
import FogExecution
import FogStore
import FogTypes

/// A validator's view of its chain in the ledger store: it builds the block the validator proposes,
/// checks a proposed block by executing it on the latest state, and commits decided blocks with
/// their commits. Executions made while building or checking are kept until the height is committed,
/// so that a decided block is not executed twice.
struct ValidatorChain {
    let genesis: Genesis
    let store: any LedgerStore
    let executor: Executor
    private var executions: [Hash256: BlockExecution] = [:]

    /// Proposed blocks whose time is further ahead of the local clock are refused.
    static let maxClockDriftMillis: UInt64 = 30_000

    init(genesis: Genesis, store: any LedgerStore) {
        self.genesis = genesis
        self.store = store
        self.executor = Executor(chainID: genesis.chainID)
    }

    /// The set that signs `height`, read from the latest state (the genesis set when the state's
    /// schedule no longer indexes that height).
    func validators(at height: UInt64) throws -> ValidatorSet {
        try LatestState(store: store).validatorSet(forHeight: height) ?? genesis.validators
    }

    /// The proposer rotation of the height after the latest committed one, replayed from the
    /// stored commits (each decided in its commit's round, spec/consensus.md §3).
    func nextRotation() throws -> ProposerRotation {
        let latest = try store.latestHeight()
        var rotation = ProposerRotation(validators: try validators(at: 1))
        guard latest > 0 else { return rotation }
        for height in 1...latest {
            guard let commit = try store.commit(at: height) else {
                throw StoreError(.corrupt, "no commit stored for height \(height)")
            }
            rotation = rotation.advanced(by: commit.round + 1).carried(to: try validators(at: height + 1))
        }
        return rotation
    }

    /// The next block, proposed by `proposer` at `timeMillis` (at least 1 ms after its parent), with `envelopes`.
    /// The envelopes were prepared and admitted by this node (``Executor/executeBlock(prepared:context:parentRoot:state:)``).
    mutating func buildBlock(proposer: Address, timeMillis: UInt64, envelopes: [PreparedEnvelope]) throws -> Block {
        let latest = try store.latestHeight()
        let height = latest + 1
        let previous = latest == 0 ? nil : try store.header(at: latest)
        let lastCommit = latest == 0 ? nil : try store.commit(at: latest)
        let time = max(timeMillis, (previous?.timeMillis ?? genesis.timeMillis) + 1)
        let execution = try executor.executeBlock(prepared: envelopes, context: BlockContext(height: height, timeMillis: time),
                                                  parentRoot: try store.latestStateRoot(), state: store)
        let header = try BlockHeader(
            chainID: genesis.chainID, height: height, timeMillis: time, previousBlockID: previous?.blockID ?? .zero,
            lastCommitHash: lastCommit?.hash ?? .zero, transactionsRoot: execution.transactionsRoot,
            readingsRoot: execution.readingsRoot, stateRoot: execution.stateRoot,
            validatorsHash: execution.validators.hash, nextValidatorsHash: execution.nextValidators.hash,
            proposer: proposer)
        let block = try Block(header: header, transactions: envelopes.map(\.bytes), lastCommit: lastCommit)
        executions[header.blockID] = execution
        return block
    }

    /// Why `block` is not a valid next block, or `nil` when it is: it extends the stored chain, its
    /// time follows its parent's and is not far ahead of `nowMillis`, it carries a verified commit
    /// of its parent, its proposer is a validator, and executing it gives its roots and validator sets.
    /// `prepared` gives the prepared form of its envelopes: only those verified with the key the
    /// state still holds skip the signature check.
    mutating func rejection(of block: Block, nowMillis: UInt64, prepared: ([[UInt8]]) -> [PreparedEnvelope]) -> String? {
        do {
            let header = block.header
            let latest = try store.latestHeight()
            guard header.chainID == genesis.chainID else { return "another chain" }
            guard header.height == latest + 1 else { return "height \(header.height), expected \(latest + 1)" }
            let previous = latest == 0 ? nil : try store.header(at: latest)
            guard header.previousBlockID == (previous?.blockID ?? .zero) else { return "does not extend the latest block" }
            guard header.timeMillis > (previous?.timeMillis ?? genesis.timeMillis),
                  header.timeMillis <= nowMillis + Self.maxClockDriftMillis
            else { return "time \(header.timeMillis) out of bounds" }
            guard header.lastCommitHash == (block.lastCommit?.hash ?? .zero) else { return "last commit hash mismatch" }
            guard try validators(at: header.height).validator(header.proposer) != nil else { return "proposer is not a validator" }
            if latest > 0 {
                guard let lastCommit = block.lastCommit, lastCommit.blockID == previous?.blockID, lastCommit.height == latest
                else { return "no commit of the parent block" }
                // The signatures of the commit stored for the parent were checked when it was.
                try lastCommit.verify(validators: try validators(at: latest), trusting: try store.commit(at: latest))
            } else if block.lastCommit != nil {
                return "the first block carries a last commit"
            }
            let execution = try executor.executeBlock(
                prepared: prepared(block.transactions), context: BlockContext(height: header.height, timeMillis: header.timeMillis),
                parentRoot: try store.latestStateRoot(), state: store)
            if let mismatch = Self.mismatch(header, execution) { return mismatch }
            executions[header.blockID] = execution
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Commits a decided block with its commit. A block not built or checked here (one fetched by
    /// block sync) is checked first like a proposal, so a block that does not extend the chain or
    /// does not execute to its header is refused even with a valid commit. Returns the ids of the
    /// block's transactions, in block order, from its receipts.
    mutating func commit(_ block: Block, _ commit: Commit, nowMillis: UInt64,
                         prepared: ([[UInt8]]) -> [PreparedEnvelope]) throws -> [Hash256] {
        let id = block.header.blockID
        if executions[id] == nil, let reason = rejection(of: block, nowMillis: nowMillis, prepared: prepared) {
            throw StoreError(.corrupt, "decided block \(block.header.height) is invalid: \(reason)")
        }
        guard let execution = executions[id] else {
            throw StoreError(.corrupt, "decided block \(block.header.height) was not executed")
        }
        try store.commitBlock(BlockCommitment(block: block, commit: commit, execution: execution))
        executions = [:]
        return execution.receipts.map(\.transactionID)
    }

    private static func mismatch(_ header: BlockHeader, _ execution: BlockExecution) -> String? {
        if execution.stateRoot != header.stateRoot { return "state root mismatch" }
        if execution.transactionsRoot != header.transactionsRoot { return "transactions root mismatch" }
        if execution.readingsRoot != header.readingsRoot { return "readings root mismatch" }
        if execution.validators.hash != header.validatorsHash { return "validators hash mismatch" }
        if execution.nextValidators.hash != header.nextValidatorsHash { return "next validators hash mismatch" }
        return nil
    }
}
