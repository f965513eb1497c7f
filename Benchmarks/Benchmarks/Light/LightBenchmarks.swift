import Benchmark
import BenchmarkFixtures
import FogCrypto
import FogLight
import FogTestKit
import FogTypes

/// What an auditor's offline check of a reading costs (spec/light-client.md §5): a reading proof's
/// bytes decoded and verified against the genesis, on chains of four Ed25519 validators, with the
/// history a node serves (none, a sequential step, or none although the set changed); and what a node
/// spends choosing that history over many changes (`ValidatorHistoryRoute`).
let benchmarks: @Sendable () -> Void = {
    FogBenchmark.configure(seconds: 2)
    let perOp = FogBenchmark.perOperation
    // Ed25519 keys from a two-byte index (the sliding set below needs more than 255).
    func key(_ index: Int) -> PrivateKey {
        try! PrivateKey(algorithm: .ed25519, seed: [UInt8(index >> 8), UInt8(index & 0xff)] + Array(repeating: 0x4c, count: 30))
    }

    // Four validators; block 1 hands the set to four others, block 3 replaces one of those.
    var chain = LightChainFixture(keys: (1...4).map(key))
    chain.commit(readings: chain.readings(count: 64), next: ((5...8).map(key), [1]))
    chain.commit(readings: chain.readings(count: 64, firstSequence: 100))
    chain.commit(readings: chain.readings(count: 64, firstSequence: 200), next: ((6...9).map(key), [1]))
    chain.commit(readings: chain.readings(count: 64, firstSequence: 300))
    let verifier = LightVerifier(genesis: chain.genesis)
    let noHistory = chain.readingProof(height: 1, index: 17, history: chain.routedHistory(to: 1)).encoded
    let sequentialStep = chain.readingProof(height: 2, index: 17, history: chain.routedHistory(to: 2)).encoded
    let skippingStep = chain.readingProof(height: 4, index: 17, history: chain.routedHistory(to: 4)).encoded
    precondition(chain.routedHistory(to: 2).count == 1 && chain.routedHistory(to: 4).count == 1)

    Benchmark("LightVerifier-reading-proof-4-validators-no-history", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try verifier.verifyReadingProof(noHistory)) }
    }
    Benchmark("LightVerifier-reading-proof-4-validators-one-step", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try verifier.verifyReadingProof(sequentialStep)) }
    }
    // Block 4 names the set {6, 7, 8, 9}; the set trusted after block 1, {5, 6, 7, 8}, signs it with 3 of 4.
    Benchmark("LightVerifier-reading-proof-4-validators-step-past-a-change", configuration: perOp) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try verifier.verifyReadingProof(skippingStep)) }
    }

    // A set of four sliding by one validator at each of 300 changes: every other change is a step.
    var sliding = LightChainFixture(keys: (1...4).map(key))
    for first in 2...301 {
        sliding.commit(next: ((first..<(first + 4)).map(key), [1]))
    }
    sliding.commit(readings: sliding.readings(count: 1))
    let changes = sliding.history(below: sliding.height)
    let target = sliding.blocks[Int(sliding.height) - 1].signedHeader.commit
    let genesisSet = sliding.genesis.validators
    Benchmark("ValidatorHistoryRoute-sliding-set-300-changes") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ValidatorHistoryRoute.steps(genesis: genesisSet, changeCount: changes.count, target: target,
                                                  commit: { changes[$0].signedHeader.commit },
                                                  nextSet: { changes[$0].nextValidators }))
        }
    }
}
