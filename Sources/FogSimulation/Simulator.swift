public import FogConsensus
import FogCore
import FogCrypto
import FogExecution
import FogTypes

/// A seeded discrete-event simulation of a validator network: each validator runs the real
/// `ConsensusMachine`, `Executor` and `InMemoryLedgerStore`; the network delays, drops, duplicates,
/// reorders and partitions messages; validators crash and restart from their WAL; Byzantine ones
/// equivocate, propose invalid blocks, double-vote or stay silent. Everything random comes from one
/// `SplitMix64` seeded with the scenario's seed, so a seed replays exactly.
public final class Simulator {
    enum Event {
        case deliver(to: Int, from: Int, SimulatedMessage)
        case timeout(node: Int, incarnation: Int, ConsensusTimeout)
        case startHeight(node: Int, incarnation: Int)
        case gossip(node: Int, incarnation: Int)
        case crash(node: Int)
        case restart(node: Int)
    }

    /// The scenario.
    public let scenario: SimulationScenario
    /// The consensus timeouts every validator uses.
    public let timeouts: ConsensusTimeouts
    let genesis: Genesis
    let nodes: [SimulatedNode]
    private var rng: SplitMix64
    private var byzantine = Byzantine()
    private var queue = EventQueue<Event>()
    private(set) var now: UInt64 = 0
    private let workload: [[UInt8]]
    private let gossipInterval: UInt64 = 150
    private var sent = 0, dropped = 0, duplicated = 0
    private var heightStartedAt: [Int: UInt64] = [:]
    private var latencies: [UInt64] = []
    private var extraRounds: UInt64 = 0
    /// A budget on processed events, against a run that would never end.
    private let maxEvents = 2_000_000

    /// Prepares the run of `scenario`.
    public init(scenario: SimulationScenario) throws {
        self.scenario = scenario
        self.rng = SplitMix64(seed: scenario.seed ^ 0x5EED_F06)
        self.timeouts = ConsensusTimeouts(
            propose: .init(base: 120, perRound: 40), prevote: .init(base: 60, perRound: 20),
            precommit: .init(base: 60, perRound: 20), cap: 1_000, commitDelay: scenario.commitDelay)
        var keyRandom = SplitMix64(seed: scenario.seed)
        let keys = scenario.powers.map { _ in PrivateKey.generate(.ed25519, using: &keyRandom) }
        let validators = try ValidatorSet(zip(keys, scenario.powers).map { try Validator(publicKey: $0.publicKey, power: $1) })
        let accounts = (0..<2).map { _ in PrivateKey.generate(.ed25519, using: &keyRandom) }
        let chain = try ChainID("fog-sim")
        let genesis = try Genesis(chainID: chain, timeMillis: 1_700_000_000_000, consensus: .poa, validators: validators,
                                  accounts: accounts.map { GenesisAccount(publicKey: $0.publicKey, balance: 1_000_000) })
        let timeouts = self.timeouts
        let memo = VerificationMemo()
        self.genesis = genesis
        self.workload = try SimulationWorkload.transfers(chain: chain, from: accounts, count: Int(scenario.targetHeight) * 2)
        self.nodes = try keys.enumerated().map { index, key in
            try SimulatedNode(index: index, key: key, byzantine: scenario.byzantine[index], genesis: genesis, timeouts: timeouts,
                              memo: memo)
        }
    }

    /// The honest validators' indices.
    var honest: [Int] { nodes.indices.filter { nodes[$0].byzantine == nil } }

    /// Runs until every honest validator reached the target height after the faults stopped, or the
    /// liveness bound passed; then checks safety and liveness.
    public func run() -> SimulationReport {
        for node in nodes {
            queue.push(.startHeight(node: node.index, incarnation: 0), at: 0)
            queue.push(.gossip(node: node.index, incarnation: 0), at: gossipInterval)
        }
        for crash in scenario.crashes {
            queue.push(.crash(node: crash.node), at: crash.at)
            queue.push(.restart(node: crash.node), at: crash.restartAt)
        }
        let deadline = max(scenario.faultsEnd, scenario.crashes.map(\.restartAt).max() ?? 0) + scenario.livenessBound
        var processed = 0
        while let (time, event) = queue.pop() {
            now = time
            if now > deadline || processed >= maxEvents { break }
            if reachedTarget() { break }
            processed += 1
            dispatch(event)
        }
        var failures = SafetyChecker.check(chains: nodes.filter { $0.byzantine == nil }.map(\.committedChain),
                                           validators: genesis.validators)
        failures += nodes.flatMap { node in node.failures.map { "validator \(node.index): \($0)" } }
        if !reachedTarget() {
            failures.append(LivenessChecker.failure(heights: honest.map { nodes[$0].application.store.latestHeight() },
                                                    target: scenario.targetHeight, faultsEnd: scenario.faultsEnd,
                                                    bound: scenario.livenessBound, now: now))
        }
        return SimulationReport(
            scenario: scenario, failures: failures, heights: nodes.map { $0.application.store.latestHeight() },
            endTime: now, sent: sent, dropped: dropped, duplicated: duplicated,
            evidence: honest.reduce(0) { $0 + nodes[$1].evidence.count }, extraRounds: extraRounds,
            decisionLatencies: latencies, finalStates: nodes.map(\.stateSummary))
    }

    private func reachedTarget() -> Bool {
        honest.allSatisfy { !nodes[$0].crashed && nodes[$0].application.store.latestHeight() >= scenario.targetHeight }
    }

    // MARK: Events

    private func dispatch(_ event: Event) {
        switch event {
        case .deliver(let to, let from, let message):
            guard !nodes[to].crashed else { return }
            deliver(message, to: nodes[to], from: from)
        case .timeout(let index, let incarnation, let timeout):
            let node = nodes[index]
            guard !node.crashed, node.incarnation == incarnation else { return }
            feed(.timeout(timeout), to: node)
        case .startHeight(let index, let incarnation):
            let node = nodes[index]
            guard !node.crashed, node.incarnation == incarnation, let start = node.heightStart(),
                  start.height > node.machine.height || node.machine.rotation == nil
            else { return }
            heightStartedAt[index] = now
            feed(.startHeight(start), to: node)
        case .gossip(let index, let incarnation):
            let node = nodes[index]
            guard !node.crashed, node.incarnation == incarnation else { return }
            carryOut(node.machine.messagesToResend, for: node)
            queue.push(.gossip(node: index, incarnation: incarnation), at: now + gossipInterval)
        case .crash(let index):
            let node = nodes[index]
            guard !node.crashed else { return }
            // Half of the crashes interrupt an append: a prefix of a frame is left at the tail.
            var torn: [UInt8] = []
            if rng.next() % 2 == 0 {
                let frame = ConsensusWAL.frame(.heightStarted(rng.next() % 1_000))
                torn = Array(frame.prefix(1 + Int(rng.next() % UInt64(frame.count - 1))))
            }
            node.crash(tornTail: torn)
        case .restart(let index):
            let node = nodes[index]
            guard node.crashed else { return }
            node.restart(timeouts: timeouts)
            queue.push(.startHeight(node: index, incarnation: node.incarnation), at: now)
            queue.push(.gossip(node: index, incarnation: node.incarnation), at: now + gossipInterval)
        }
    }

    private func deliver(_ message: SimulatedMessage, to node: SimulatedNode, from: Int) {
        if let height = message.height, height > node.machine.height, node.machine.rotation != nil {
            requestSync(node, from: from)
        }
        switch message {
        case .proposal(let proposal, let block):
            feed(.proposal(proposal), to: node)
            feed(.block(block), to: node)
        case .vote(let vote):
            feed(.vote(vote), to: node)
        case .syncRequest(let height):
            guard node.byzantine != .silent, let block = node.application.store.block(at: height),
                  let commit = node.application.store.commit(at: height)
            else { return }
            send(.syncReply(block, commit), from: node.index, to: from)
        case .syncReply(let block, let commit):
            feed(.commitReceived(block, commit), to: node)
        }
    }

    private func requestSync(_ node: SimulatedNode, from peer: Int) {
        if let last = node.lastSyncRequest, now < last + 20 { return }
        node.lastSyncRequest = now
        send(.syncRequest(height: node.machine.height), from: node.index, to: peer)
    }

    /// Hands an event to a node's machine and carries out the actions, and the application's answers.
    private func feed(_ event: ConsensusEvent, to node: SimulatedNode) {
        var pending = [event]
        while !pending.isEmpty {
            let actions = node.machine.handle(pending.removeFirst())
            pending += carryOut(actions, for: node)
        }
    }

    /// Carries out actions in order; returns the application's answers to feed back.
    @discardableResult
    private func carryOut(_ actions: [ConsensusAction], for node: SimulatedNode) -> [ConsensusEvent] {
        var answers: [ConsensusEvent] = []
        for action in actions {
            switch action {
            case .persist(let record):
                node.persist(record)
            case .broadcastProposal(let proposal, let block):
                for (peer, message) in byzantine.proposals(proposal, block, from: node, peers: nodes.count, rng: &rng,
                                                            build: { try? self.alternativeBlock(for: node, like: $0, corrupt: $1) }) {
                    send(message, from: node.index, to: peer)
                }
            case .broadcastVote(let vote):
                for (peer, message) in byzantine.votes(vote, from: node, peers: nodes.count, rng: &rng) {
                    send(message, from: node.index, to: peer)
                }
            case .scheduleTimeout(let timeout, let after):
                queue.push(.timeout(node: node.index, incarnation: node.incarnation, timeout), at: now + after)
            case .requestBlock:
                do {
                    let block = try node.application.buildBlock(
                        proposer: node.machine.address, timeMillis: genesis.timeMillis + now, envelopes: workload)
                    answers.append(.proposeBlock(block))
                } catch {
                    node.failures.append("cannot build a block: \(error)")
                }
            case .validateBlock(let block):
                answers.append(.blockValidity(blockID: block.header.blockID, valid: node.application.validate(block)))
            case .decide(let decision):
                do {
                    try node.application.commit(decision)
                } catch {
                    node.failures.append("cannot commit height \(decision.block.header.height): \(error)")
                    continue
                }
                if node.byzantine == nil {
                    extraRounds += decision.commit.round
                    latencies.append(now - (heightStartedAt[node.index] ?? now))
                }
                queue.push(.startHeight(node: node.index, incarnation: node.incarnation), at: now + timeouts.commitDelay)
            case .evidence(let evidence):
                node.evidence.append(evidence)
            }
        }
        return answers
    }

    /// A second block a Byzantine proposer sends to some validators: valid but different
    /// (later time), or with a wrong state root.
    private func alternativeBlock(for node: SimulatedNode, like block: Block, corrupt: Bool) throws -> Block {
        try node.application.buildBlock(proposer: node.machine.address, timeMillis: block.header.timeMillis + 1,
                                        envelopes: corrupt ? workload : [], corruptStateRoot: corrupt)
    }

    // MARK: Network

    private func send(_ message: SimulatedMessage, from: Int, to: Int) {
        guard from != to else { return }
        sent += 1
        let faulty = now < scenario.faultsEnd
        if faulty {
            if scenario.partitions.contains(where: { now >= $0.from && now < $0.until
                && $0.group.contains(from) != $0.group.contains(to) }) {
                dropped += 1
                return
            }
            if rng.next() % 1_000 < scenario.dropPerMille {
                dropped += 1
                return
            }
        }
        let maxDelay = faulty ? scenario.maxDelay : scenario.calmDelay
        queue.push(.deliver(to: to, from: from, message), at: now + 1 + rng.next() % maxDelay)
        if faulty, rng.next() % 1_000 < scenario.duplicatePerMille {
            duplicated += 1
            queue.push(.deliver(to: to, from: from, message), at: now + 1 + rng.next() % maxDelay)
        }
    }
}
