import FogCore
import FogCrypto
import FogLight
import FogMerkle
import FogTestKit
import FogTypes
import Testing

/// State proofs: inclusion and non-inclusion verify; a wrong record, a wrong claim of absence or
/// presence, a tampered path or header are rejected.
@Suite struct StateProofVerificationTests {
    let chain = LightChainFixture.mixed

    func rebuilt(_ proof: StateProof, key: Hash256? = nil, record: [UInt8]?? = .none, sparse: SparseMerkleProof? = nil,
                 signedHeader: SignedHeader? = nil) -> StateProof {
        try! StateProof(chainID: proof.chainID, genesisHash: proof.genesisHash, history: proof.history,
                        signedHeader: signedHeader ?? proof.signedHeader, key: key ?? proof.key,
                        record: record ?? proof.record, proof: sparse ?? proof.proof)
    }

    @Test(arguments: [UInt64(1), 3, 4, 6])
    func inclusionVerifies(height: UInt64) throws {
        let key = LightChainFixture.stateKey("balance")
        let proof = chain.stateProof(height: height, key: key)
        #expect(proof.record == Array("balance \(height * 10)".utf8))
        let verified = try LightVerifier.verify(proof, genesis: chain.genesis)
        #expect(verified.key == key)
        #expect(verified.record == proof.record)
        #expect(verified.height == height)
        #expect(verified.stateRoot == chain.blocks[Int(height) - 1].stateRoot)
        #expect(try LightVerifier(genesis: chain.genesis).verifyStateProof(proof.encoded) == verified)
        #expect(try StateProof.decode(proof.encoded) == proof)
    }

    @Test func nonInclusionVerifies() throws {
        // device-5 is written at height 5: absent at height 4, present at 5.
        let key = LightChainFixture.stateKey("device-5")
        let absent = chain.stateProof(height: 4, key: key)
        #expect(absent.record == nil)
        let verified = try LightVerifier.verify(absent, genesis: chain.genesis)
        #expect(verified.record == nil)
        #expect(try StateProof.decode(absent.encoded) == absent)
        #expect(try LightVerifier.verify(chain.stateProof(height: 5, key: key), genesis: chain.genesis).record != nil)
        // A key never written, in the empty-then-populated tree.
        let never = chain.stateProof(height: 6, key: LightChainFixture.stateKey("nobody"))
        #expect(try LightVerifier.verify(never, genesis: chain.genesis).record == nil)
    }

    @Test func wrongRecordIsRejected() {
        let proof = chain.stateProof(height: 4, key: LightChainFixture.stateKey("balance"))
        expectLightError(.proofInvalid) {
            try LightVerifier.verify(rebuilt(proof, record: .some(Array("balance 1000000".utf8))), genesis: chain.genesis)
        }
        // An older, genuine record of the same key.
        expectLightError(.proofInvalid) {
            try LightVerifier.verify(rebuilt(proof, record: .some(Array("balance 30".utf8))), genesis: chain.genesis)
        }
    }

    @Test func wrongPresenceClaimIsRejected() {
        let present = chain.stateProof(height: 4, key: LightChainFixture.stateKey("balance"))
        expectLightError(.proofInvalid, "present key claimed absent") {
            try LightVerifier.verify(rebuilt(present, record: .some(nil)), genesis: chain.genesis)
        }
        let absent = chain.stateProof(height: 4, key: LightChainFixture.stateKey("device-5"))
        expectLightError(.proofInvalid, "absent key claimed present") {
            try LightVerifier.verify(rebuilt(absent, record: .some(Array("record of device 5".utf8))), genesis: chain.genesis)
        }
        // The proof of one key presented for another.
        expectLightError(.proofInvalid) {
            try LightVerifier.verify(rebuilt(present, key: LightChainFixture.stateKey("device-1")), genesis: chain.genesis)
        }
    }

    @Test func tamperedSiblingsAreRejected() throws {
        let proof = chain.stateProof(height: 6, key: LightChainFixture.stateKey("device-2"))
        #expect(!proof.proof.siblings.isEmpty)
        for position in proof.proof.siblings.indices {
            var siblings = proof.proof.siblings
            var bytes = siblings[position].bytes
            bytes[31] ^= 0x80
            siblings[position] = Hash256(bytes: bytes)!
            let sparse = try SparseMerkleProof(terminal: proof.proof.terminal, siblings: siblings)
            expectLightError(.proofInvalid) { try LightVerifier.verify(rebuilt(proof, sparse: sparse), genesis: chain.genesis) }
        }
    }

    @Test func tamperedStateRootIsRejected() throws {
        let proof = chain.stateProof(height: 6, key: LightChainFixture.stateKey("balance"))
        let h = proof.signedHeader.header
        // A forged state in which the balance is larger, with a header that names its root.
        let forgedKey = proof.key
        let forgedRecord = Array("balance 999999".utf8)
        var store = InMemorySparseMerkleNodeStore()
        let update = try SparseMerkleTree.update(root: SparseMerkleTree.emptyRoot,
                                                 rootVersion: 0, changes: [(forgedKey, SHA256Hasher.hash(forgedRecord))], version: 0, in: store)
        store.insert(update)
        let forgedHeader = try BlockHeader(chainID: h.chainID, height: h.height, timeMillis: h.timeMillis,
                                           previousBlockID: h.previousBlockID, lastCommitHash: h.lastCommitHash,
                                           transactionsRoot: h.transactionsRoot, readingsRoot: h.readingsRoot,
                                           stateRoot: update.root, validatorsHash: h.validatorsHash,
                                           nextValidatorsHash: h.nextValidatorsHash, proposer: h.proposer)
        let sparse = try SparseMerkleTree.proof(for: forgedKey, root: update.root, version: 0, in: store)
        let forged = rebuilt(proof, record: .some(forgedRecord), sparse: sparse,
                             signedHeader: SignedHeader(header: forgedHeader, commit: proof.signedHeader.commit))
        expectLightError(.commitInvalid) { try LightVerifier.verify(forged, genesis: chain.genesis) }
    }

    @Test func recordLimits() throws {
        let proof = chain.stateProof(height: 6, key: LightChainFixture.stateKey("balance"))
        #expect(throws: ObjectError.self) {
            _ = try StateProof(chainID: proof.chainID, genesisHash: proof.genesisHash, history: proof.history,
                               signedHeader: proof.signedHeader, key: proof.key,
                               record: [UInt8](repeating: 1, count: ProofLimits.maxStateRecordBytes + 1), proof: proof.proof)
        }
        #expect(throws: ObjectError.self) {
            _ = try StateProof(chainID: proof.chainID, genesisHash: proof.genesisHash, history: proof.history,
                               signedHeader: proof.signedHeader, key: proof.key, record: [], proof: proof.proof)
        }
        let atLimit = try StateProof(chainID: proof.chainID, genesisHash: proof.genesisHash, history: proof.history,
                                     signedHeader: proof.signedHeader, key: proof.key,
                                     record: [UInt8](repeating: 1, count: ProofLimits.maxStateRecordBytes), proof: proof.proof)
        #expect(try StateProof.decode(atLimit.encoded) == atLimit)
        expectLightError(.proofInvalid) { try LightVerifier.verify(atLimit, genesis: chain.genesis) }
        let over = atLimit.cborValue.replacing(6, with: .bytes([UInt8](repeating: 1, count: ProofLimits.maxStateRecordBytes + 1)))
        expectLightError(.limitExceeded) { try LightVerifier(genesis: chain.genesis).verifyStateProof(over.encoded) }
        let notBytes = atLimit.cborValue.replacing(6, with: .text("record"))
        expectLightError(.malformed) { try LightVerifier(genesis: chain.genesis).verifyStateProof(notBytes.encoded) }
    }
}
