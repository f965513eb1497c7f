import FogCore
import FogCrypto
import FogLight
import FogMerkle
import FogTestKit
import FogTypes
import Testing

/// The validator-set history: from genesis, each step signed by more than 2/3 of the set trusted so far.
@Suite struct ValidatorHistoryTests {
    let chain = LightChainFixture.mixed
    static func key(_ algorithm: SignatureAlgorithm, _ tag: UInt8) -> PrivateKey { LightChainFixture.key(algorithm, tag) }

    func withHistory(_ proof: ReadingProof, _ history: [ValidatorSetChange]) -> ReadingProof {
        try! ReadingProof(chainID: proof.chainID, genesisHash: proof.genesisHash, history: history,
                          signedHeader: proof.signedHeader, reading: proof.reading, inclusion: proof.inclusion)
    }

    @Test func headerStillSignedByTheTrustedSetNeedsNoHistory() {
        // After height 3 the genesis validators 1–3 (7 of its 8 power) still sign: no step is needed.
        let proof = chain.readingProof(height: 4, index: 1)
        #expect(proof.history.count == 1)
        #expect((try? LightVerifier.verify(proof, genesis: chain.genesis)) != nil)
        #expect(chain.routedHistory(to: 4).isEmpty)
        #expect((try? LightVerifier.verify(withHistory(proof, []), genesis: chain.genesis)) != nil)
    }

    /// Genesis {1: 3, 2: 2, 3: 2, 4: 1}; from height 2 {1, 2, 3, 5} with powers 1, 1, 1, 2. Block 2 is
    /// signed by 1, 2 and 5: 4 of the new set's 5, but 5 of the genesis set's 8.
    static func droppedQuorum() -> LightChainFixture {
        let genesisKeys = [Self.key(.ed25519, 1), Self.key(.p256, 2), Self.key(.ed25519, 3), Self.key(.ed25519, 4)]
        var chain = LightChainFixture(keys: genesisKeys, powers: [3, 2, 2, 1])
        chain.commit(readings: chain.readings(count: 2), next: ([genesisKeys[0], genesisKeys[1], genesisKeys[2], Self.key(.p256, 5)], [1, 1, 1, 2]))
        chain.commit(readings: chain.readings(count: 2, firstSequence: 10), signers: [0, 1, 3])
        return chain
    }

    @Test func headerTheTrustedSetNoLongerSignsNeedsTheHistory() {
        let chain = Self.droppedQuorum()
        let proof = chain.readingProof(height: 2, index: 1)
        #expect(chain.routedHistory(to: 2).map(\.signedHeader.header.height) == [1])
        #expect((try? LightVerifier.verify(proof, genesis: chain.genesis)) != nil)
        expectLightError(.untrustedValidatorSet) { try LightVerifier.verify(withHistory(proof, []), genesis: chain.genesis) }
    }

    @Test func exactlyTwoThirdsOfTheTrustedSetIsNotEnough() {
        // Genesis {a, b, c}; from height 2 {a, b, d}, which signs block 2: 2 of the genesis set's 3.
        let a = Self.key(.ed25519, 1), b = Self.key(.ed25519, 2), c = Self.key(.ed25519, 3), d = Self.key(.ed25519, 4)
        var chain = LightChainFixture(keys: [a, b, c])
        chain.commit(next: ([a, b, d], [1]))
        chain.commit(readings: chain.readings(count: 1))
        let proof = chain.readingProof(height: 2, index: 0)
        expectLightError(.untrustedValidatorSet) { try LightVerifier.verify(withHistory(proof, []), genesis: chain.genesis) }
        #expect(chain.routedHistory(to: 2).count == 1)
        #expect((try? LightVerifier.verify(proof, genesis: chain.genesis)) != nil)
    }

    @Test func aSkipChecksTheTrustedSignersAndIgnoresTheOthers() throws {
        // Block 4 of the mixed chain, proved without history: validators 1–3 are trusted, 5 is not.
        let proof = withHistory(chain.readingProof(height: 4, index: 1), [])
        let commit = proof.signedHeader.commit
        func flipping(_ address: Address) throws -> ReadingProof {
            let signatures = commit.signatures.map { entry in
                guard entry.validator == address else { return entry }
                var bytes = entry.signature
                bytes[5] ^= 0x01
                return CommitSignature(validator: entry.validator, signature: bytes)
            }
            let flipped = try Commit(chainID: commit.chainID, height: commit.height, round: commit.round,
                                     blockID: commit.blockID, signatures: signatures)
            return try ReadingProof(chainID: proof.chainID, genesisHash: proof.genesisHash, history: [],
                                    signedHeader: SignedHeader(header: proof.signedHeader.header, commit: flipped),
                                    reading: proof.reading, inclusion: proof.inclusion)
        }
        expectLightError(.commitInvalid) { try LightVerifier.verify(try flipping(Self.key(.ed25519, 1).publicKey.address), genesis: chain.genesis) }
        // Validator 5's signature counts for nothing against the genesis set, so it is not checked.
        #expect((try? LightVerifier.verify(try flipping(Self.key(.p256, 5).publicKey.address), genesis: chain.genesis)) != nil)
    }

    @Test func historyBeyondTheProvenHeightIsRejected() {
        // Height 2 is signed by the genesis set; a history that has already moved past height 3 can't reach it.
        let proof = chain.readingProof(height: 2, index: 1)
        expectLightError(.untrustedValidatorSet) { try LightVerifier.verify(withHistory(proof, chain.changes), genesis: chain.genesis) }
        // The change header itself (height 3) is proved with an empty history.
        #expect((try? LightVerifier.verify(chain.readingProof(height: 3, index: 0), genesis: chain.genesis)) != nil)
        expectLightError(.untrustedValidatorSet) {
            try LightVerifier.verify(withHistory(chain.readingProof(height: 3, index: 0), chain.changes), genesis: chain.genesis)
        }
    }

    @Test func forgedNextValidatorSetIsRejected() throws {
        let proof = chain.readingProof(height: 5, index: 0)
        let change = proof.history[0]
        let attackers = [LightChainFixture.key(.ed25519, 66), LightChainFixture.key(.ed25519, 67)]
        let forgedSet = LightChainFixture.validatorSet(attackers, powers: [1])

        // 1. The genuine header with a forged next set: the hash does not match.
        let swapped = ValidatorSetChange(signedHeader: change.signedHeader, nextValidators: forgedSet)
        expectLightError(.untrustedValidatorSet) { try LightVerifier.verify(withHistory(proof, [swapped]), genesis: chain.genesis) }

        // 2. A header rewritten to name the forged set, with the genuine commit: the commit is for another block.
        let h = change.signedHeader.header
        let rewritten = try BlockHeader(chainID: h.chainID, height: h.height, timeMillis: h.timeMillis, previousBlockID: h.previousBlockID,
                                        lastCommitHash: h.lastCommitHash, transactionsRoot: h.transactionsRoot,
                                        readingsRoot: h.readingsRoot, stateRoot: h.stateRoot, validatorsHash: h.validatorsHash,
                                        nextValidatorsHash: forgedSet.hash, proposer: h.proposer)
        let rewrittenChange = ValidatorSetChange(signedHeader: SignedHeader(header: rewritten, commit: change.signedHeader.commit),
                                                 nextValidators: forgedSet)
        expectLightError(.commitInvalid) { try LightVerifier.verify(withHistory(proof, [rewrittenChange]), genesis: chain.genesis) }

        // 3. The same header re-signed by the attackers: they are not the trusted set.
        let resigned = ValidatorSetChange(
            signedHeader: SignedHeader(header: rewritten, commit: LightChainFixture.commit(rewritten, signedBy: attackers)),
            nextValidators: forgedSet)
        expectLightError(.commitInvalid) { try LightVerifier.verify(withHistory(proof, [resigned]), genesis: chain.genesis) }

        // 4. A whole forged chain segment signed by the attackers, naming themselves as validators.
        var forged = LightChainFixture(chain: chain.chainID.value, keys: attackers)
        forged.commit(readings: forged.readings(count: 2))
        let forgedProof = forged.readingProof(height: 1, index: 0)
        expectLightError(.genesisMismatch) { try LightVerifier.verify(forgedProof, genesis: chain.genesis) }
        let claimingOurs = try ReadingProof(chainID: chain.chainID, genesisHash: chain.genesis.hash, history: [],
                                            signedHeader: forgedProof.signedHeader, reading: forgedProof.reading,
                                            inclusion: forgedProof.inclusion)
        expectLightError(.untrustedValidatorSet) { try LightVerifier.verify(claimingOurs, genesis: chain.genesis) }
    }

    @Test func historyStepThatChangesNothingIsMalformed() {
        // Height 2's header keeps the set: it is not a change.
        let block2 = chain.blocks[1].signedHeader
        let step = ValidatorSetChange(signedHeader: block2, nextValidators: chain.genesis.validators)
        let proof = withHistory(chain.readingProof(height: 5, index: 0), [step] + chain.changes)
        expectLightError(.malformed) { try LightVerifier.verify(proof, genesis: chain.genesis) }
    }

    @Test func historyOutOfOrderIsRejected() {
        var twice = LightChainFixture(keys: [LightChainFixture.key(.ed25519, 1)])
        twice.commit(next: ([LightChainFixture.key(.p256, 2)], [1]))
        twice.commit(readings: twice.readings(count: 3), next: ([LightChainFixture.key(.ed25519, 3)], [1]))
        twice.commit(readings: twice.readings(count: 3))
        let proof = twice.readingProof(height: 3, index: 1)
        #expect(proof.history.count == 2)
        #expect((try? LightVerifier.verify(proof, genesis: twice.genesis)) != nil)
        expectLightError(.untrustedValidatorSet) {
            try LightVerifier.verify(withHistory(proof, proof.history.reversed()), genesis: twice.genesis)
        }
        expectLightError(.untrustedValidatorSet) {
            try LightVerifier.verify(withHistory(proof, [proof.history[1]]), genesis: twice.genesis)
        }
        expectLightError(.untrustedValidatorSet) {
            try LightVerifier.verify(withHistory(proof, [proof.history[0], proof.history[0], proof.history[1]]), genesis: twice.genesis)
        }
    }

    @Test func changeAtTheLastHeightIsRejectedWithoutOverflow() throws {
        // A genuine-looking change at height 2⁶⁴ − 1, signed by the genesis set: nothing can follow it.
        var single = LightChainFixture(keys: [LightChainFixture.key(.ed25519, 1)])
        single.commit(readings: single.readings(count: 2))
        let proof = single.readingProof(height: 1, index: 0)
        let nextSet = LightChainFixture.validatorSet([LightChainFixture.key(.p256, 2)], powers: [1])
        let h = proof.signedHeader.header
        let last = try BlockHeader(chainID: h.chainID, height: .max, timeMillis: h.timeMillis, previousBlockID: h.previousBlockID,
                                   lastCommitHash: h.lastCommitHash, transactionsRoot: h.transactionsRoot,
                                   readingsRoot: h.readingsRoot, stateRoot: h.stateRoot, validatorsHash: h.validatorsHash,
                                   nextValidatorsHash: nextSet.hash, proposer: h.proposer)
        let step = ValidatorSetChange(
            signedHeader: SignedHeader(header: last, commit: LightChainFixture.commit(last, signedBy: single.keys)),
            nextValidators: nextSet)
        expectLightError(.untrustedValidatorSet) { try LightVerifier.verify(withHistory(proof, [step]), genesis: single.genesis) }
    }

    @Test func historyAtItsLimit() throws {
        let proof = chain.readingProof(height: 5, index: 0)
        let step = proof.history[0]
        #expect(throws: ObjectError.self) {
            _ = try ReadingProof(chainID: proof.chainID, genesisHash: proof.genesisHash,
                                 history: Array(repeating: step, count: ProofLimits.maxValidatorSetChanges + 1),
                                 signedHeader: proof.signedHeader, reading: proof.reading, inclusion: proof.inclusion)
        }
        // At the limit it is accepted by the type (and rejected by the verifier: the steps repeat).
        let atLimit = try ReadingProof(chainID: proof.chainID, genesisHash: proof.genesisHash,
                                       history: Array(repeating: step, count: ProofLimits.maxValidatorSetChanges),
                                       signedHeader: proof.signedHeader, reading: proof.reading, inclusion: proof.inclusion)
        #expect(try ReadingProof.decode(atLimit.encoded) == atLimit)
        expectLightError(.untrustedValidatorSet) { try LightVerifier.verify(atLimit, genesis: chain.genesis) }
        // One past it, decoded from bytes.
        let over = atLimit.cborValue.replacing(3, with: .array(Array(repeating: step.cborValue, count: ProofLimits.maxValidatorSetChanges + 1)))
        expectLightError(.limitExceeded) { try LightVerifier(genesis: chain.genesis).verifyReadingProof(over.encoded) }
    }
}

@Suite struct ReadingProofLimitTests {
    @Test func readingBytesLimit() {
        let chain = LightChainFixture.mixed
        let verifier = LightVerifier(genesis: chain.genesis)
        let value = chain.readingProof(height: 2, index: 0).cborValue
        let over = value.replacing(5, with: .bytes([UInt8](repeating: 0xa0, count: ProofLimits.maxReadingBytes + 1)))
        expectLightError(.limitExceeded) { try verifier.verifyReadingProof(over.encoded) }
        expectLightError(.malformed) { try verifier.verifyReadingProof(value.replacing(5, with: .bytes([])).encoded) }
        expectLightError(.malformed) { try verifier.verifyReadingProof(value.replacing(5, with: .text("reading")).encoded) }
        // A reading-proof's bytes decoded as a state proof.
        expectLightError(.malformed) { try verifier.verifyStateProof(value.encoded) }
    }
}

extension CBORValue {
    /// This map with `key` set to `value`.
    func replacing(_ key: Int64, with value: CBORValue) -> CBORValue {
        guard case .map(let entries) = self else { return self }
        return .map(entries.filter { $0.key != .int(key) } + [CBORMapEntry(.int(key), value)])
    }
}
