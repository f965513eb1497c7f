public import FogConsensus
public import FogCrypto
public import FogExecution
public import FogP2P
public import FogStore
public import FogTypes
import FogWire
public import Logging
import NIOCore
import NIOPosix
import Synchronization

/// How a validator node runs consensus.
public struct ValidatorNodeConfiguration: Sendable {
    /// The consensus timeouts; `commitDelay` is the least pause between deciding a height and
    /// starting the next (a short one lets a block gather what arrives meanwhile).
    public var timeouts: ConsensusTimeouts
    /// The mempool limits.
    public var mempool: MempoolLimits
    /// The limits of the queue of account transactions whose nonce is ahead.
    public var futureNonces: FutureNonceLimits
    /// The most envelopes a proposed block carries.
    public var maxBlockTransactions: Int
    /// The most envelope bytes a proposed block carries.
    public var maxBlockEnvelopeBytes: Int
    /// After a commit, the next height starts as soon as envelopes are pending (or a peer's message
    /// of that height arrives); with nothing pending it starts after this interval, so that empty
    /// blocks still advance the chain's time.
    public var emptyBlockInterval: Duration
    /// How often the node re-sends its signed messages of the current height and announces its height.
    public var gossipInterval: Duration

    /// The default least pause between a decision and the next height, in milliseconds. Under load
    /// it makes fewer, fuller heights, and each height's fixed cost (votes, syncs, the block's write)
    /// competes with the envelopes' checks for the same cores: against none, at 2,800 and 3,500
    /// envelopes/s it saved the four validators 0.2 cores and lowered p99 finality in five of six
    /// steps, for a few milliseconds more at 1,000/s, where a height starts when a request arrives
    /// (docs/benchmarks.md, "Round 20"). No pause was better in round 17, when heights took twice as long.
    public static let defaultCommitDelayMillis: UInt64 = 10
    /// The default milliseconds after a commit at which an empty block is proposed when nothing is pending.
    public static let defaultEmptyBlockIntervalMillis: UInt64 = 1_000
    /// The default most envelopes a proposed block carries: many heights' worth at the rates a
    /// network sustains, and few enough that building, sending and checking the block after a
    /// backlog fits in the first round's propose timeout. (Blocks of 10,000 envelopes took five to
    /// six rounds each on the reference machine, and the network's throughput collapsed.)
    public static let defaultMaxBlockTransactions = 2_000
    /// The default most envelope bytes a proposed block carries (1 MiB), for the same reason.
    public static let defaultMaxBlockEnvelopeBytes = 1 << 20

    /// Creates a configuration.
    public init(timeouts: ConsensusTimeouts = ConsensusTimeouts(commitDelay: ValidatorNodeConfiguration.defaultCommitDelayMillis),
                mempool: MempoolLimits = MempoolLimits(), futureNonces: FutureNonceLimits = FutureNonceLimits(),
                maxBlockTransactions: Int = ValidatorNodeConfiguration.defaultMaxBlockTransactions,
                maxBlockEnvelopeBytes: Int = ValidatorNodeConfiguration.defaultMaxBlockEnvelopeBytes,
                emptyBlockInterval: Duration = .milliseconds(defaultEmptyBlockIntervalMillis), gossipInterval: Duration = .milliseconds(500)) {
        self.timeouts = timeouts
        self.mempool = mempool
        self.futureNonces = futureNonces
        self.maxBlockTransactions = max(1, min(maxBlockTransactions, ObjectLimits.maxBlockTransactions))
        self.maxBlockEnvelopeBytes = max(ObjectLimits.maxEnvelopeBytes,
                                         min(maxBlockEnvelopeBytes, DevNodeConfiguration.maxBlockEnvelopeBytes))
        self.emptyBlockInterval = emptyBlockInterval
        self.gossipInterval = gossipInterval
    }
}

/// A validator of a BFT network: it drives the Tendermint ``ConsensusMachine`` over the P2P
/// network (spec/consensus.md), persisting what it signs to its WAL before sending it; builds the
/// blocks it proposes from its mempool; checks proposed blocks by executing them; commits decided
/// blocks to its ledger store; gossips admitted envelopes; and catches up with peers that are ahead
/// by fetching blocks with their commits (block sync). ``ValidatorNodeService`` runs it.
///
/// The actor runs on its network's event loop (``P2PNetwork/eventLoop``): a peer's vote is read,
/// decoded, handled and answered on one thread, and sending to a peer writes to its connection
/// directly. Handling events on the cooperative pool cost every message two thread wake-ups (loop
/// to pool, pool back to loop) on the path from a peer's vote to this validator's.
public actor ValidatorNode: LedgerNode {
    /// The thread validators' networks and actors run on: one of their own, so that a block's
    /// commit on the actor never holds up the API's connections (which run on NIO's shared loops).
    static let loopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// The network's event loop (see the type's description).
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        network.eventLoop.executor.asUnownedSerialExecutor()
    }

    /// The chain's genesis.
    public nonisolated let genesis: Genesis
    /// The store every block is committed to.
    public nonisolated let store: any LedgerStore
    /// The peer-to-peer network.
    public nonisolated let network: P2PNetwork
    /// The configuration.
    public nonisolated let configuration: ValidatorNodeConfiguration
    /// This validator's address.
    public nonisolated let address: Address
    /// The executor of the chain (used off the actor to prepare envelopes).
    public nonisolated let executor: Executor
    /// The signers' keys as of their last admission, for verifying before admission.
    public nonisolated let signerKeys: SignerKeyCache
    /// Prepares single submissions that arrive together as one batch.
    nonisolated let preparation: PreparationBatcher
    /// The key that signs this node's evidence transactions (its validator key, when that is an account).
    let validatorKey: PrivateKey
    let logger: Logger
    let now: @Sendable () -> UInt64
    var machine: ConsensusMachine
    var chain: ValidatorChain
    /// The rotation of the next height to start.
    var rotation: ProposerRotation
    let wal: ConsensusWALFile
    /// What the WAL held when the node started: the messages signed at the first height it starts.
    var recovered: [WALRecord]
    var mempool: Mempool {
        didSet { mempoolIsFull.store(!mempool.fits(0), ordering: .relaxed) }
    }
    /// Whether `mempool` has no room at all, readable off the actor (gossip is dropped unverified then).
    nonisolated let mempoolIsFull = Atomic<Bool>(false)
    /// The prepared form of each envelope in `mempool`, by id.
    var admitted: [Hash256: PreparedEnvelope] = [:]
    /// Account transactions waiting for an earlier nonce.
    var futureNonces: FutureNonceQueue
    /// How many envelopes of executed blocks were not found verified in the mempool (and so were
    /// verified again, in a batch before execution or during it).
    public internal(set) var envelopesVerifiedAtExecution = 0
    /// Equivocations already reported by an evidence transaction, by validator, height, round and step.
    var reportedEquivocations: Set<EquivocationKey> = []
    /// Equivocations of the height being decided, submitted once it is committed.
    var waitingEvidence: [Equivocation] = []
    /// The latest state plus the writes of every pending envelope, for admission.
    var pendingState: StateOverlay<LatestState>
    /// The latest committed height each peer announced.
    var peerHeights: [Address: UInt64] = [:]
    /// When blocks were last requested, so that one request is outstanding at a time.
    var syncRequestedAt: ContinuousClock.Instant?
    /// The last height of the outstanding block request.
    var syncTarget: UInt64 = 0
    /// The peer the outstanding block request went to.
    var syncPeer: Address?
    /// Peers that let a block request time out or had no block, with when they did.
    var syncAvoided: [Address: ContinuousClock.Instant] = [:]
    /// Set after a commit while the next height waits for envelopes (or the empty-block interval).
    var waitingToStart = false
    /// The highest height of a peer's proposal or vote seen.
    var highestMessageHeight: UInt64 = 0
    /// When the last height was decided (the commit delay counts from then).
    var decidedAt = ContinuousClock.now
    /// Set when the WAL or store cannot be written: the node stops signing.
    var halted = false
    var stopped = false
    /// The subscribers to committed blocks (the MQTT gateway).
    var commitObservers = CommitObservers()
    /// Admitted envelopes not yet gossiped.
    var gossipOutbox = GossipOutbox()
    /// Set while a flush of `gossipOutbox` is enqueued.
    var gossipFlushScheduled = false
    /// When the steps of the height being decided happened here (logged at debug level).
    var timings = HeightTimings()
    /// The round timeouts and the empty-block alarm, served by one timer on the event loop.
    var alarms = ValidatorAlarms()

    /// A validator signing with `validatorKey`, committing to `store`, logging its signed messages
    /// to the WAL at `walPath`, and talking to peers as `p2p` describes.
    public init(genesis: Genesis, validatorKey: PrivateKey, store: any LedgerStore, walPath: String,
                p2p: P2PConfiguration, configuration: ValidatorNodeConfiguration = ValidatorNodeConfiguration(),
                logger: Logger, now: @escaping @Sendable () -> UInt64 = DevNode.wallClockMillis) throws {
        guard store.metadata.genesisHash == genesis.hash else {
            throw StoreError(.genesisMismatch, "the store belongs to another genesis")
        }
        self.genesis = genesis
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.now = now
        self.address = validatorKey.publicKey.address
        self.validatorKey = validatorKey
        self.signerKeys = SignerKeyCache()
        self.futureNonces = FutureNonceQueue(limits: configuration.futureNonces)
        self.machine = ConsensusMachine(chainID: genesis.chainID, key: validatorKey, timeouts: configuration.timeouts)
        let chain = ValidatorChain(genesis: genesis, store: store)
        self.chain = chain
        self.executor = chain.executor
        let executor = chain.executor, signerKeys = self.signerKeys
        self.preparation = PreparationBatcher { executor.prepareAll($0, signerKey: signerKeys.key(of:)) }
        self.rotation = try chain.nextRotation()
        let wal = try ConsensusWALFile(path: walPath, chain: genesis.chainID)
        if wal.hadTornTail {
            logger.warning("the consensus WAL ended in a torn record, which is ignored: a crash interrupted an append",
                           metadata: ["records": "\(wal.recovered.count)"])
        }
        self.recovered = wal.recovered
        self.wal = wal
        self.mempool = Mempool(limits: configuration.mempool)
        self.pendingState = StateOverlay(base: LatestState(store: store))
        self.network = try P2PNetwork(configuration: p2p, latestHeight: { (try? store.latestHeight()) ?? 0 },
                                      group: Self.loopGroup, logger: logger)
    }


    /// The number of peers with an established connection.
    public var connectedPeers: Int? { network.connectedPeers.count }

    // MARK: Driving the machine

    /// Starts the height after the latest committed one (with what the WAL recovered of it).
    func startNextHeight() {
        waitingToStart = false
        guard !halted, !stopped else { return }
        do {
            let height = try store.latestHeight() + 1
            guard machine.rotation == nil || height > machine.height else { return }
            reportedEquivocations = []
            let signed = ConsensusWAL.ownMessages(height: height, in: recovered)
            recovered = []
            if !signed.isEmpty {
                logger.info("resuming a height from the WAL", metadata: ["height": "\(height)", "messages": "\(signed.count)"])
            }
            timings.start()
            alarms.dropMoot(starting: height)
            feed(.startHeight(HeightStart(height: height, rotation: rotation, signedBefore: signed)))
        } catch {
            halt("cannot read the store: \(error)")
        }
    }

    /// Hands an event to the machine and carries out its actions and the answers they produce.
    func feed(_ event: ConsensusEvent) {
        var pending = [event]
        while !pending.isEmpty, !halted {
            let actions = machine.handle(pending.removeFirst())
            pending += carryOut(actions)
        }
    }

    /// Carries out actions in order, after writing every WAL record among them with one sync
    /// (``persistAll(_:)``).
    private func carryOut(_ actions: [ConsensusAction]) -> [ConsensusEvent] {
        persistAll(actions)
        var answers: [ConsensusEvent] = []
        for action in actions {
            guard !halted else { return [] }
            switch action {
            case .persist:
                break
            case .broadcastProposal(let proposal, let block):
                // Peers get the proposed envelopes first, so that they find them verified in their mempools.
                flushGossip()
                timings.mark(.proposal)
                do {
                    try network.broadcast(.proposal(try BlockProposal(proposal: proposal, block: block)))
                } catch {
                    logger.error("cannot send a proposal", metadata: ["error": "\(error)"])
                }
            case .broadcastVote(let vote):
                timings.mark(vote.object.step == .prevote ? .prevote : .precommit)
                _ = try? network.broadcast(.vote(vote))
            case .scheduleTimeout(let timeout, let after):
                schedule(.timeout(timeout), at: ContinuousClock.now + .milliseconds(after))
            case .requestBlock(let height, let round):
                do {
                    answers.append(.proposeBlock(try proposalBlock()))
                    timings.mark(.blockReady)
                } catch {
                    logger.error("cannot build a block", metadata: ["height": "\(height)", "round": "\(round)", "error": "\(error)"])
                }
            case .validateBlock(let block):
                let rejection = chain.rejection(of: block, nowMillis: now(), prepared: preparedForExecution)
                if let rejection {
                    logger.warning("proposed block refused", metadata: ["height": "\(block.header.height)", "reason": "\(rejection)"])
                }
                timings.mark(.blockReady)
                answers.append(.blockValidity(blockID: block.header.blockID, valid: rejection == nil))
            case .decide(let decision):
                decided(decision)
            case .evidence(let evidence):
                logger.warning("equivocation seen", metadata: ["validator": "\(evidence.first.object.validator)"])
                report(evidence)
            }
        }
        return answers
    }

    /// Writes the records of `actions`' `persist` actions, in order, and syncs once after the last,
    /// before any other action runs. The machine puts a message's record before the action that
    /// sends it; writing the records of later messages earlier than that is safe too (a restarted
    /// validator re-sends what it signed, and never signs anything else for those steps). A
    /// proposer's proposal and its prevote, which one event produces, so share one sync.
    /// `wal-height-started` is written without a sync of its own (``ConsensusWALFile/restart(with:)``).
    private func persistAll(_ actions: [ConsensusAction]) {
        guard !halted else { return }
        var unsynced = false
        do {
            for case .persist(let record) in actions {
                if case .heightStarted = record {
                    try wal.restart(with: record)
                } else {
                    try wal.appendUnsynced(record)
                    unsynced = true
                }
            }
            if unsynced {
                let started = ContinuousClock.now
                try wal.sync()
                timings.addWALSync(ContinuousClock.now - started)
            }
        } catch {
            halt("cannot write the WAL: \(error)")
        }
    }

    /// Sets `alarm` for `deadline`, arming a timer when none wakes by then.
    private func schedule(_ alarm: ValidatorAlarms.Alarm, at deadline: ContinuousClock.Instant) {
        guard let wake = alarms.add(alarm, at: deadline) else { return }
        arm(wake)
    }

    private func arm(_ deadline: ContinuousClock.Instant) {
        after(deadline - .now) { $0.alarmsDue(armedFor: deadline) }
    }

    /// Runs `work` on this actor once `delay` has passed, timed by the event loop the actor runs on,
    /// so that no other thread wakes to resume it (a sleeping task woke a pool thread, which then
    /// woke the loop). Nothing runs when the node is gone by then.
    func after(_ delay: Duration, _ work: @escaping @Sendable (isolated ValidatorNode) -> Void) {
        network.eventLoop.scheduleTask(in: TimeAmount(max(delay, .zero))) { [weak self] in
            self?.assumeIsolated { work($0) }
        }
    }

    /// A timer armed for `deadline` woke: carries out the alarms due and re-arms for the next.
    private func alarmsDue(armedFor deadline: ContinuousClock.Instant) {
        guard !stopped else { return }
        let (due, rearm) = alarms.wake(armedFor: deadline, at: .now)
        if let rearm { arm(rearm) }
        for alarm in due {
            switch alarm {
            case .timeout(let timeout): feed(.timeout(timeout))
            case .emptyHeight(let height): startEmptyHeight(after: height)
            }
        }
    }

    /// The block this validator proposes: the oldest pending envelopes within the block limits
    /// (admission order, so each signer's in sequence order).
    private func proposalBlock() throws -> Block {
        var envelopes: [PreparedEnvelope] = []
        var bytes = 0
        for entry in mempool.envelopes {
            guard envelopes.count < configuration.maxBlockTransactions,
                  entry.bytes.count <= configuration.maxBlockEnvelopeBytes - bytes,
                  let prepared = admitted[entry.id]
            else { break }
            envelopes.append(prepared)
            bytes += entry.bytes.count
        }
        return try chain.buildBlock(proposer: machine.address, timeMillis: now(), envelopes: envelopes)
    }

    /// Commits a decided height, re-checks the mempool against the new state, and starts the next
    /// height: at once while peers are ahead; otherwise after the commit delay as soon as envelopes
    /// are pending (or a peer's message of the next height arrives), else after the empty-block interval.
    private func decided(_ decision: Decision) {
        let height = decision.block.header.height
        decidedAt = ContinuousClock.now
        timings.mark(.decided, at: decidedAt)
        let committed: [Hash256]
        do {
            committed = try chain.commit(decision.block, decision.commit, nowMillis: now(), prepared: preparedForExecution)
            timings.mark(.stored)
            publishCommitted(height: height, ids: committed)
            rotation = decision.nextRotation.carried(to: try chain.validators(at: height + 1))
        } catch {
            halt("cannot commit height \(height): \(error)")
            return
        }
        recheckMempool(committed: Set(committed))
        timings.mark(.rechecked)
        logger.debug("committed block", metadata: timings.metadata.merging([
            "height": "\(height)", "round": "\(decision.commit.round)", "transactions": "\(decision.block.transactions.count)",
            "pending": "\(mempool.count)", "verified-at-execution": "\(envelopesVerifiedAtExecution)",
        ]) { $1 })
        submitWaitingEvidence()
        // Peers ahead, or already at the next height (their messages of it arrived before this
        // commit and wait in the machine): start at once.
        if (peerHeights.values.max() ?? 0) > height || highestMessageHeight > height {
            startNextHeight()
            return
        }
        waitingToStart = true
        // The commit delay counts from the decision: the time spent writing the block is part of it.
        let remaining = Duration.milliseconds(configuration.timeouts.commitDelay) - (ContinuousClock.now - decidedAt)
        if remaining <= .zero {
            startHeightIfWaiting()
        } else {
            after(remaining) { $0.startHeightIfWaiting() }
        }
        schedule(.emptyHeight(after: height), at: ContinuousClock.now + configuration.emptyBlockInterval)
    }

    /// Starts the next height when it waits, the commit delay has passed and envelopes are pending.
    func startHeightIfWaiting() {
        guard waitingToStart, mempool.count > 0,
              ContinuousClock.now - decidedAt >= .milliseconds(configuration.timeouts.commitDelay)
        else { return }
        startNextHeight()
    }

    /// Starts the height after `height` if it still waits once the empty-block interval has passed.
    private func startEmptyHeight(after height: UInt64) {
        guard waitingToStart, (try? store.latestHeight()) == height else { return }
        startNextHeight()
    }

    /// A peer's message of the height after the latest committed one: that height has started
    /// elsewhere, so it starts here too.
    func startHeightIfPeerStarted(_ messageHeight: UInt64) {
        highestMessageHeight = max(highestMessageHeight, messageHeight)
        guard waitingToStart, let latest = try? store.latestHeight(), messageHeight == latest + 1 else { return }
        startNextHeight()
    }

    private func halt(_ reason: String) {
        halted = true
        logger.critical("validator halted", metadata: ["reason": "\(reason)"])
    }

    // MARK: Network

    /// Handles one event of the network; gossiped envelopes are decoded and verified before the
    /// actor admits them, a large message's on every core (``BulkAdmission/prepare(_:with:)``), and
    /// dropped unverified while the mempool has no room (a block that carries them verifies them).
    nonisolated func receiveOffActor(_ event: P2PEvent) async {
        if case .message(_, .transactions(let envelopes)) = event {
            if mempoolIsFull.load(ordering: .relaxed) {
                logger.trace("gossiped envelopes dropped: the mempool is full", metadata: ["count": "\(envelopes.count)"])
                return
            }
            let prepared = await BulkAdmission.prepare(envelopes) { self.prepareAll($0) }
            await admitGossiped(prepared)
        } else {
            await receive(event)
        }
    }

    /// Takes the network's events as they happen, on this actor's own thread (the network's event
    /// loop), without a hop: those that go to `lane` (``followsGossip(_:laneIdle:)``), which verifies
    /// gossiped envelopes off the actor, are queued there; the others are handled at once.
    nonisolated func handleEvents(queueingGossipIn lane: AsyncStream<P2PEvent>.Continuation, backlog: GossipBacklog) {
        network.handleEvents { [weak self] event in
            guard let self else { return }
            // Every connection runs on the loop, so this is a safety net, not a path events take.
            guard network.eventLoop.inEventLoop else {
                Task { await self.route(event, lane: lane, backlog: backlog) }
                return
            }
            assumeIsolated { $0.route(event, lane: lane, backlog: backlog) }
        }
    }

    private func route(_ event: P2PEvent, lane: AsyncStream<P2PEvent>.Continuation, backlog: GossipBacklog) {
        if Self.followsGossip(event, laneIdle: backlog.isIdle) {
            if backlog.admits(event), case .dropped = lane.yield(event) { backlog.done(with: event) }
        } else {
            receive(event)
        }
    }

    /// Whether `event` goes to the ordered lane: gossiped envelopes always, and a proposal while
    /// the lane holds anything (so that it follows the envelopes gossiped before it).
    nonisolated static func followsGossip(_ event: P2PEvent, laneIdle: Bool) -> Bool {
        switch event {
        case .message(_, .transactions): return true
        case .message(_, .proposal): return !laneIdle
        default: return false
        }
    }

    /// Handles one event of the network.
    func receive(_ event: P2PEvent) {
        guard !stopped else { return }
        switch event {
        case .peerUp(let peer, let handshake):
            peerHeights[peer] = handshake.latestHeight
            requestBlocksIfBehind(from: peer)
        case .peerDown(let peer, _):
            peerHeights[peer] = nil
            if syncPeer == peer { syncFailed(peer) }
        case .message(let peer, let message):
            receive(message, from: peer)
        case .connectionFailed:
            break
        }
    }

    private func receive(_ message: WireMessage, from peer: Address) {
        switch message {
        case .proposal(let proposal):
            startHeightIfPeerStarted(proposal.proposal.object.height)
            if proposal.proposal.object.height == machine.height { timings.mark(.proposal) }
            noteAhead(peer, messageHeight: proposal.proposal.object.height)
            feed(.proposal(proposal.proposal))
            feed(.block(proposal.block))
        case .vote(let vote):
            startHeightIfPeerStarted(vote.object.height)
            noteAhead(peer, messageHeight: vote.object.height)
            feed(.vote(vote))
        case .transactions(let envelopes):
            // Normally prepared off the actor by ``receiveOffActor(_:)``; handled the same way here.
            admitGossiped(envelopes.map(prepare))
        case .status(let height):
            peerHeights[peer] = max(peerHeights[peer] ?? 0, height)
            requestBlocksIfBehind(from: peer)
        case .blockRequest(let range):
            serve(range, to: peer)
        case .blockResponse(let committed):
            receiveBlock(committed, from: peer)
        case .noBlock:
            if syncPeer == peer { syncFailed(peer) }
        case .handshake, .ping, .pong:
            break
        }
    }

    /// Re-sends this validator's messages of the current height, announces its height, and asks
    /// a peer that is ahead for blocks.
    func tick() {
        guard !stopped, !halted else { return }
        _ = carryOut(machine.messagesToResend)
        if let latest = try? store.latestHeight() { _ = try? network.broadcast(.status(latestHeight: latest)) }
        requestBlocksIfBehind()
    }

    /// Stops handling events and timeouts.
    func stop() { stopped = true }
}
