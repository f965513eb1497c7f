import FogCore
import FogCrypto
import FogLight
import FogMerkle
import FogTestKit
import FogTypes
import Testing

/// Bundle sizes and verification times, logged (not asserted on time) and quoted in
/// spec/light-client.md §7.
@Suite struct ProofSizeTests {
    /// Verifies `proof` `runs` times; returns the mean time in microseconds.
    func meanMicroseconds(runs: Int, _ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let elapsed = try clock.measure { for _ in 0..<runs { try body() } }
        let (seconds, attoseconds) = elapsed.components
        return (Double(seconds) * 1e6 + Double(attoseconds) / 1e12) / Double(runs)
    }

    @Test func oneEd25519ValidatorTenThousandReadings() throws {
        var chain = LightChainFixture(keys: [LightChainFixture.key(.ed25519, 1)])
        chain.commit(readings: chain.readings(count: 10_000))
        let proof = chain.readingProof(height: 1, index: 6_789)
        let bytes = proof.encoded
        let verifier = LightVerifier(genesis: chain.genesis)
        let verified = try verifier.verifyReadingProof(bytes)
        #expect(verified.reading == chain.blocks[0].readings[6_789])
        #expect(proof.inclusion.path.count == 14)  // ⌈log2 10,000⌉
        // Measured 1,067 bytes (spec/light-client.md §7); pin a bound, log the exact size.
        #expect(bytes.count < 1_500)
        for entry in proof.cborValue.mapEntries! {
            print("light-client size: reading proof key \(entry.key.int64!): \(entry.value.encoded.count) bytes")
        }
        let micros = try meanMicroseconds(runs: 200) { _ = try verifier.verifyReadingProof(bytes) }
        print("light-client size: reading proof, 1 Ed25519 validator, 10,000 readings per block, no history: "
              + "\(bytes.count) bytes (reading \(proof.reading.encoded.count) B, signed header \(proof.signedHeader.encoded.count) B, "
              + "path \(proof.inclusion.path.count) hashes); decode + verify \(Int(micros)) µs")
    }

    @Test func mixedFourValidatorsWithOneChange() throws {
        let chain = LightChainFixture.mixed
        let verifier = LightVerifier(genesis: chain.genesis)
        let reading = chain.readingProof(height: 5, index: 3).encoded
        let state = chain.stateProof(height: 5, key: LightChainFixture.stateKey("balance")).encoded
        let absent = chain.stateProof(height: 4, key: LightChainFixture.stateKey("device-5")).encoded
        let change = chain.changes[0].encoded
        let readingMicros = try meanMicroseconds(runs: 20) { _ = try verifier.verifyReadingProof(reading) }
        let stateMicros = try meanMicroseconds(runs: 20) { _ = try verifier.verifyStateProof(state) }
        print("light-client size: 4 validators (Ed25519, P-256, ML-DSA-65, Ed25519/P-256), one set change: "
              + "reading proof \(reading.count) bytes (history step \(change.count) B), state proof \(state.count) bytes, "
              + "non-inclusion \(absent.count) bytes; decode + verify reading \(Int(readingMicros)) µs, "
              + "state \(Int(stateMicros)) µs")
        #expect(reading.count > change.count)
        // The history a node serves: none, since genesis validators 1–3 (7 of 8 power) sign block 5.
        let routed = chain.readingProof(height: 5, index: 3, history: chain.routedHistory(to: 5)).encoded
        let routedMicros = try meanMicroseconds(runs: 20) { _ = try verifier.verifyReadingProof(routed) }
        print("light-client size: the same reading proof with the history a node serves (none): \(routed.count) bytes; "
              + "decode + verify \(Int(routedMicros)) µs")
        #expect(routed.count == reading.count - change.count)
    }

    @Test func perValidatorCost() throws {
        for algorithm in SignatureAlgorithm.allCases {
            let key = LightChainFixture.key(algorithm, 7)
            let one = LightChainFixture.validatorSet([key], powers: [1])
            let two = LightChainFixture.validatorSet([key, LightChainFixture.key(.ed25519, 8)], powers: [1])
            let header = try BlockHeader(chainID: try ChainID("fogledger-light"), height: 1, timeMillis: 0, previousBlockID: .zero,
                                         lastCommitHash: .zero, transactionsRoot: .zero, readingsRoot: .zero, stateRoot: .zero,
                                         validatorsHash: one.hash, nextValidatorsHash: one.hash, proposer: key.publicKey.address)
            let commitOne = LightChainFixture.commit(header, signedBy: [LightChainFixture.key(.ed25519, 8)])
            let commitTwo = LightChainFixture.commit(header, signedBy: [LightChainFixture.key(.ed25519, 8), key])
            print("light-client size: \(algorithm): validator entry \(two.encoded.count - LightChainFixture.validatorSet([LightChainFixture.key(.ed25519, 8)], powers: [1]).encoded.count) bytes, "
                  + "commit signature \(commitTwo.encoded.count - commitOne.encoded.count) bytes")
            #expect(one.encoded.count > 0)
        }
    }
}
