import FogConsensus
import FogCore
import FogCrypto
import FogSimulation
import FogTestKit
import FogTypes
import Glibc
import Testing

/// Whole validator networks under the seeded simulator: a sweep of seeds with faults and Byzantine
/// validators, exact replay, and checkers that catch planted violations.
@Suite struct SimulationTests {
    @Test func aSeedReplaysExactly() async throws {
        for seed: UInt64 in [3, 17, 4_242] {
            let (first, second) = await onOwnThread {
                (SeedSweep.runSeed(seed, targetHeight: 4), SeedSweep.runSeed(seed, targetHeight: 4))
            }
            #expect(first.description == second.description)
            #expect(first.decisionLatencies == second.decisionLatencies)
            #expect(first.passed, "\(first)")
        }
    }

    @Test func aCalmNetworkDecidesEveryHeightInRoundZero() async throws {
        var scenario = SimulationScenario.random(seed: 1, targetHeight: 10)
        scenario.powers = [10, 10, 10, 10]
        scenario.byzantine = [:]
        scenario.partitions = []
        scenario.crashes = []
        scenario.dropPerMille = 0
        scenario.duplicatePerMille = 0
        scenario.commitDelay = 0
        scenario.maxDelay = 5
        scenario.faultsEnd = 0
        let report = try await onOwnThread { [scenario] in try Simulator(scenario: scenario).run() }
        #expect(report.passed, "\(report)")
        #expect(report.extraRounds == 0)
        // Propose, prevote, precommit: three message delays of at most 5 ms each (plus the gap between
        // validators finishing the previous height), no timeout waited.
        #expect(report.decisionLatencies.allSatisfy { $0 <= 25 }, "\(report.decisionLatencies)")
    }

    @Test func crashesWithTornWALTailsAndPartitionsRecover() async throws {
        var scenario = SimulationScenario.random(seed: 11, targetHeight: 12)
        scenario.powers = [10, 10, 10, 10]
        scenario.byzantine = [3: .doubleVote]
        scenario.faultsEnd = 1_500
        scenario.partitions = [.init(from: 100, until: 600, group: [0, 1])]
        scenario.crashes = [.init(node: 0, at: 50, restartAt: 400), .init(node: 1, at: 700, restartAt: 1_200),
                            .init(node: 2, at: 800, restartAt: 900)]
        let report = try await onOwnThread { [scenario] in try Simulator(scenario: scenario).run() }
        #expect(report.passed, "\(report)")
        #expect(report.evidence > 0)
    }

    @Test func theSafetyCheckerCatchesAForkAndAWeakCommit() throws {
        var random = SplitMix64(seed: 5)
        let keys = (0..<4).map { _ in PrivateKey.generate(.ed25519, using: &random) }
        let validators = try ValidatorSet(keys.map { try Validator(publicKey: $0.publicKey, power: 1) })
        let chain = try ChainID("fog-sim")
        func block(_ tag: UInt8) throws -> Block {
            let root = SHA256Hasher.hash([tag])
            return try Block(header: try BlockHeader(
                chainID: chain, height: 1, timeMillis: 1, previousBlockID: .zero, lastCommitHash: .zero,
                transactionsRoot: root, readingsRoot: root, stateRoot: root, validatorsHash: validators.hash,
                nextValidatorsHash: validators.hash, proposer: keys[0].publicKey.address), transactions: [], lastCommit: nil)
        }
        func commit(_ block: Block, signers: ArraySlice<PrivateKey>) throws -> Commit {
            try Commit(precommits: try signers.map { key in
                try Signed.sign(try Vote(chainID: chain, step: .precommit, height: 1, round: 0, blockID: block.header.blockID,
                                         validator: key.publicKey.address), with: key)
            })
        }
        let x = try block(1)
        let y = try block(2)
        let good = [CommittedChain(validator: 0, blocks: [(x, try commit(x, signers: keys[0..<3]))]),
                    CommittedChain(validator: 1, blocks: [(x, try commit(x, signers: keys[1..<4]))])]
        #expect(SafetyChecker.check(chains: good, validators: validators).isEmpty)

        let fork = good + [CommittedChain(validator: 2, blocks: [(y, try commit(y, signers: keys[1..<4]))])]
        let forkFailures = SafetyChecker.check(chains: fork, validators: validators)
        #expect(forkFailures.count == 1 && forkFailures[0].contains("height 1 committed as"))

        let weak = [CommittedChain(validator: 0, blocks: [(x, try commit(x, signers: keys[0..<2]))])]
        #expect(SafetyChecker.check(chains: weak, validators: validators).first?.contains("no quorum") == true)
        let wrongBlock = [CommittedChain(validator: 0, blocks: [(x, try commit(y, signers: keys[0..<3]))])]
        #expect(SafetyChecker.check(chains: wrongBlock, validators: validators).first?.contains("names another block") == true)
    }

    @Test func equivocatorsHoldingHalfThePowerForkTheChainAndTheCheckerSeesIt() async throws {
        // Beyond the fault bound (2 of 4 Byzantine), colluding equivocators make honest validators
        // commit different blocks; the same checker that passes every sweep seed reports it.
        var forked = 0
        for seed: UInt64 in 0..<20 {
            var scenario = SimulationScenario.random(seed: seed, targetHeight: 4)
            scenario.powers = [10, 10, 10, 10]
            scenario.byzantine = [1: .equivocate, 2: .equivocate]
            scenario.partitions = []
            scenario.crashes = []
            scenario.dropPerMille = 0
            scenario.faultsEnd = 0
            scenario.livenessBound = 2_000
            let report = try await onOwnThread { [scenario] in try Simulator(scenario: scenario).run() }
            if report.failures.contains(where: { $0.hasPrefix("safety: height") }) { forked += 1 }
        }
        #expect(forked > 0)
    }
}

/// The seed sweeps CI runs on every `swift test`: CPU-heavy (over a minute of one core in a debug
/// build). They run one after the other on a thread of their own at the lowest priority, so that the
/// asynchronous, timing-sensitive tests running beside them keep their threads and the cores.
@Suite struct SlowSimulationSweepTests {
    /// Many short runs (one height each, faults and Byzantine validators drawn per seed) and fewer
    /// longer ones.
    static let sweepSeeds = 2_000
    static let longSeeds = 200

    @Test func sweepsOfSeedsKeepSafetyAndLiveness() async {
        let (short, long) = await onOwnThread {
            // Lowest scheduling priority: the sweep takes a core for minutes, and the timing-sensitive
            // tests running beside it under `swift test` must get the CPU first.
            setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)  // 0: this thread, on Linux
            return (SeedSweep.run(start: 0, count: Self.sweepSeeds, targetHeight: 1),
                    SeedSweep.run(start: 1_000_000, count: Self.longSeeds, targetHeight: 3))
        }
        #expect(short.seeds == Self.sweepSeeds)
        #expect(long.seeds == Self.longSeeds)
        for (report, heights) in short.failed.prefix(5).map({ ($0, 1) }) + long.failed.prefix(5).map({ ($0, 3) }) {
            Issue.record("\(report)\nreplay: fog-vopr --seed \(report.scenario.seed) --heights \(heights)")
        }
        // Byzantine validators appear in about half the seeds; double voters must be caught.
        #expect(short.runsWithEvidence > 0)
    }
}
