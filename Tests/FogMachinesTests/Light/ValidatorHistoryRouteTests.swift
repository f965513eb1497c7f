import FogCore
import FogCrypto
import FogLight
import FogTestKit
import FogTypes
import Testing

/// Which changes a history steps through: the route a node takes, checked by the verifier.
@Suite struct ValidatorHistoryRouteTests {
    static func key(_ tag: Int) -> PrivateKey { LightChainFixture.key(.ed25519, UInt8(tag)) }

    func verifies(_ chain: LightChainFixture, height: UInt64, history: [ValidatorSetChange]) -> Bool {
        let proof = chain.readingProof(height: height, index: 0, history: history)
        return (try? LightVerifier.verify(proof, genesis: chain.genesis)) != nil
    }

    @Test func stakesThatDriftAtEveryEpochNeedNoHistory() {
        // Four validators whose powers change at each of 300 change points, more than a history may
        // hold: the genesis members still hold the power, so the proof carries no step at all.
        let keys = (1...4).map(Self.key)
        var chain = LightChainFixture(keys: keys, powers: [10, 10, 10, 10])
        for change in 1...300 {
            chain.commit(next: (keys, [10 + UInt64(change % 7), 10 + UInt64(change % 5), 10, 10 + UInt64(change % 3)]))
        }
        chain.commit(readings: chain.readings(count: 3))
        let height = chain.height
        #expect(chain.history(below: height).count == 300)
        #expect(chain.routedHistory(to: height).isEmpty)
        #expect(verifies(chain, height: height, history: []))
    }

    @Test func aSlidingSetStepsOverEveryOtherChange() {
        // {1, 2, 3, 4} → {2, 3, 4, 5} → {3, 4, 5, 6} → …: a set shares 3 of 4 members with the next one
        // and 2 with the one after, so a step can reach one change further than a sequential one.
        var chain = LightChainFixture(keys: (1...4).map(Self.key))
        for first in 2...9 {
            chain.commit(next: ((first..<(first + 4)).map(Self.key), [1]))
        }
        chain.commit(readings: chain.readings(count: 2))
        let height = chain.height
        let routed = chain.routedHistory(to: height)
        #expect(routed.map(\.signedHeader.header.height) == [2, 4, 6, 8])
        #expect(verifies(chain, height: height, history: routed))
        #expect(verifies(chain, height: height, history: chain.history(below: height)))
        // One step fewer is one change too far for the set trusted before it.
        #expect(!verifies(chain, height: height, history: Array(routed.dropFirst())))
    }

    @Test func aReplacedSetNeedsEveryChange() {
        var chain = LightChainFixture(keys: (1...4).map(Self.key))
        for round in 1...5 {
            chain.commit(next: (((round * 4 + 1)...(round * 4 + 4)).map(Self.key), [1]))
        }
        chain.commit(readings: chain.readings(count: 1))
        let height = chain.height
        #expect(chain.routedHistory(to: height).count == 5)
        #expect(verifies(chain, height: height, history: chain.routedHistory(to: height)))
    }

    @Test(arguments: 0..<24) func randomChainsProveWithTheRoutedHistory(seed: UInt64) {
        // Sets drawn from ten keys with random powers; each commit signed by a random quorum of its set.
        var random = SplitMix64(seed: seed)
        let pool = (1...10).map(Self.key)
        func randomSet() -> (keys: [PrivateKey], powers: [UInt64]) {
            let size = Int.random(in: 1...5, using: &random)
            let keys = Array(pool.shuffled(using: &random).prefix(size))
            return (keys, keys.map { _ in UInt64.random(in: 1...4, using: &random) })
        }
        let first = randomSet()
        var chain = LightChainFixture(keys: first.keys, powers: first.powers)
        for _ in 0..<12 {
            var next = Int.random(in: 0..<3, using: &random) == 0 ? randomSet() : nil
            if let drawn = next, LightChainFixture.validatorSet(drawn.keys, powers: drawn.powers) == chain.validators { next = nil }
            chain.commit(readings: chain.readings(count: 1, firstSequence: chain.height + 1), next: next,
                         signers: randomQuorum(of: chain.validators, keys: chain.keys, using: &random))
        }
        for height in 1...chain.height {
            let sequential = chain.history(below: height)
            let routed = chain.routedHistory(to: height)
            #expect(routed.count <= sequential.count)
            #expect(verifies(chain, height: height, history: routed), "seed \(seed), height \(height)")
            #expect(verifies(chain, height: height, history: sequential), "seed \(seed), height \(height)")
        }
    }

    /// Indices into `keys` of a random subset whose power is a quorum of `set`.
    func randomQuorum(of set: ValidatorSet, keys: [PrivateKey], using random: inout SplitMix64) -> [Int] {
        var chosen: [Int] = []
        var power: UInt64 = 0
        for index in keys.indices.shuffled(using: &random) where !set.isQuorum(power) {
            chosen.append(index)
            power += set.validator(keys[index].publicKey.address)!.power
        }
        return chosen.sorted()
    }
}
