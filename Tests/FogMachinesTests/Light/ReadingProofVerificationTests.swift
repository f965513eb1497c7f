import FogCore
import FogCrypto
import FogLight
import FogMerkle
import FogTestKit
import FogTypes
import Testing

/// Reading proofs: valid bundles verify; every tampering is rejected with the code that names it.
@Suite struct ReadingProofVerificationTests {
    let chain = LightChainFixture.mixed

    @Test(arguments: [(UInt64(1), 0), (2, 7), (3, 3), (4, 0), (6, 5)])
    func validProofsVerify(height: UInt64, index: Int) throws {
        let proof = chain.readingProof(height: height, index: index)
        #expect(proof.history.count == (height > 3 ? 1 : 0))
        let verified = try LightVerifier.verify(proof, genesis: chain.genesis)
        let header = chain.blocks[Int(height) - 1].signedHeader.header
        #expect(verified.reading == chain.blocks[Int(height) - 1].readings[index])
        #expect(verified.height == height)
        #expect(verified.blockTimeMillis == header.timeMillis)
        #expect(verified.blockID == header.blockID)
        // The same bundle through its bytes.
        #expect(try LightVerifier(genesis: chain.genesis).verifyReadingProof(proof.encoded) == verified)
        #expect(try ReadingProof.decode(proof.encoded) == proof)
    }

    @Test func singleValidatorChainVerifies() throws {
        var single = LightChainFixture(keys: [LightChainFixture.key(.ed25519, 9)])
        single.commit(readings: single.readings(count: 1))
        single.commit(readings: single.readings(count: 5))
        #expect(try LightVerifier.verify(single.readingProof(height: 1, index: 0), genesis: single.genesis).height == 1)
        #expect(try LightVerifier.verify(single.readingProof(height: 2, index: 4), genesis: single.genesis).height == 2)
    }

    func rebuilt(_ proof: ReadingProof, chainID: ChainID? = nil, genesisHash: Hash256? = nil,
                 history: [ValidatorSetChange]? = nil, signedHeader: SignedHeader? = nil, reading: Reading? = nil,
                 inclusion: InclusionProof? = nil) -> ReadingProof {
        try! ReadingProof(chainID: chainID ?? proof.chainID, genesisHash: genesisHash ?? proof.genesisHash,
                          history: history ?? proof.history, signedHeader: signedHeader ?? proof.signedHeader,
                          reading: reading ?? proof.reading, inclusion: inclusion ?? proof.inclusion)
    }

    @Test func tamperedReadingIsRejected() throws {
        let proof = chain.readingProof(height: 5, index: 2)
        let original = proof.reading
        let forged = try Reading(chainID: original.chainID, device: original.device, sequence: original.sequence,
                                 timeMillis: original.timeMillis, content: .inline(.float(-40)))
        expectLightError(.proofInvalid) { try LightVerifier.verify(rebuilt(proof, reading: forged), genesis: chain.genesis) }
        // Another reading of the same block at the wrong index.
        let sibling = chain.blocks[4].readings[3]
        expectLightError(.proofInvalid) { try LightVerifier.verify(rebuilt(proof, reading: sibling), genesis: chain.genesis) }
    }

    @Test func tamperedPathIsRejected() throws {
        let proof = chain.readingProof(height: 5, index: 2)
        for position in proof.inclusion.path.indices {
            var path = proof.inclusion.path
            var bytes = path[position].bytes
            bytes[0] ^= 0x01
            path[position] = Hash256(bytes: bytes)!
            let inclusion = try InclusionProof(leafIndex: proof.inclusion.leafIndex, treeSize: proof.inclusion.treeSize, path: path)
            expectLightError(.proofInvalid) { try LightVerifier.verify(rebuilt(proof, inclusion: inclusion), genesis: chain.genesis) }
        }
        // The right path with another index of the same path length.
        let moved = try InclusionProof(leafIndex: 3, treeSize: proof.inclusion.treeSize, path: proof.inclusion.path)
        expectLightError(.proofInvalid) { try LightVerifier.verify(rebuilt(proof, inclusion: moved), genesis: chain.genesis) }
    }

    @Test func tamperedHeaderFieldsAreRejected() throws {
        let proof = chain.readingProof(height: 5, index: 2)
        let h = proof.signedHeader.header
        let other = SHA256Hasher.hash(Array("forged".utf8))
        let variants: [(String, BlockHeader)] = [
            ("readingsRoot", try BlockHeader(chainID: h.chainID, height: h.height, timeMillis: h.timeMillis, previousBlockID: h.previousBlockID,
                                             lastCommitHash: h.lastCommitHash, transactionsRoot: h.transactionsRoot, readingsRoot: other,
                                             stateRoot: h.stateRoot, validatorsHash: h.validatorsHash,
                                             nextValidatorsHash: h.nextValidatorsHash, proposer: h.proposer)),
            ("time", try BlockHeader(chainID: h.chainID, height: h.height, timeMillis: h.timeMillis + 1, previousBlockID: h.previousBlockID,
                                     lastCommitHash: h.lastCommitHash, transactionsRoot: h.transactionsRoot, readingsRoot: h.readingsRoot,
                                     stateRoot: h.stateRoot, validatorsHash: h.validatorsHash,
                                     nextValidatorsHash: h.nextValidatorsHash, proposer: h.proposer)),
            ("height", try BlockHeader(chainID: h.chainID, height: h.height + 1, timeMillis: h.timeMillis, previousBlockID: h.previousBlockID,
                                       lastCommitHash: h.lastCommitHash, transactionsRoot: h.transactionsRoot, readingsRoot: h.readingsRoot,
                                       stateRoot: h.stateRoot, validatorsHash: h.validatorsHash,
                                       nextValidatorsHash: h.nextValidatorsHash, proposer: h.proposer)),
        ]
        for (field, header) in variants {
            let signed = SignedHeader(header: header, commit: proof.signedHeader.commit)
            expectLightError(.commitInvalid, "\(field)") {
                try LightVerifier.verify(rebuilt(proof, signedHeader: signed), genesis: chain.genesis)
            }
        }
    }

    @Test func tamperedCommitSignatureIsRejected() throws {
        let proof = chain.readingProof(height: 5, index: 2)
        let commit = proof.signedHeader.commit
        for position in commit.signatures.indices {
            var signatures = commit.signatures
            var bytes = signatures[position].signature
            bytes[bytes.count / 2] ^= 0x40
            signatures[position] = CommitSignature(validator: signatures[position].validator, signature: bytes)
            let forged = try Commit(chainID: commit.chainID, height: commit.height, round: commit.round,
                                    blockID: commit.blockID, signatures: signatures)
            let signed = SignedHeader(header: proof.signedHeader.header, commit: forged)
            expectLightError(.commitInvalid, "signature \(position)") {
                try LightVerifier.verify(rebuilt(proof, signedHeader: signed), genesis: chain.genesis)
            }
        }
        // A commit for another round is signed over other bytes.
        let otherRound = try Commit(chainID: commit.chainID, height: commit.height, round: 1, blockID: commit.blockID,
                                    signatures: commit.signatures)
        expectLightError(.commitInvalid) {
            try LightVerifier.verify(rebuilt(proof, signedHeader: SignedHeader(header: proof.signedHeader.header, commit: otherRound)),
                                     genesis: chain.genesis)
        }
    }

    @Test func commitWithoutTwoThirdsIsRejected() throws {
        // Genesis powers 3, 2, 2, 1 (total 8): 3 + 2 = 5 is not more than 2/3; 3 + 2 + 1 = 6 is.
        var weak = LightChainFixture(keys: [LightChainFixture.key(.ed25519, 1), LightChainFixture.key(.p256, 2),
                                            LightChainFixture.key(.mldsa65, 3), LightChainFixture.key(.ed25519, 4)],
                                     powers: [3, 2, 2, 1])
        let byAddress = weak.keys.indices.sorted { weak.validators.validator(weak.keys[$0].publicKey.address)!.power
            > weak.validators.validator(weak.keys[$1].publicKey.address)!.power }
        weak.commit(readings: weak.readings(count: 2), signers: [byAddress[0], byAddress[1]])
        weak.commit(readings: weak.readings(count: 2), signers: [byAddress[0], byAddress[1], byAddress[3]])
        expectLightError(.commitInvalid) { try LightVerifier.verify(weak.readingProof(height: 1, index: 1), genesis: weak.genesis) }
        #expect(try LightVerifier.verify(weak.readingProof(height: 2, index: 1), genesis: weak.genesis).height == 2)
    }

    @Test func wrongGenesisIsRejected() throws {
        let proof = chain.readingProof(height: 2, index: 0)
        // Same chain id and validators, different accounts: another genesis.
        let other = try Genesis(chainID: chain.chainID, timeMillis: chain.genesis.timeMillis, consensus: .poa,
                                validators: chain.genesis.validators, accounts: [])
        expectLightError(.genesisMismatch) { try LightVerifier.verify(proof, genesis: other) }
        // A bundle naming another genesis hash.
        expectLightError(.genesisMismatch) {
            try LightVerifier.verify(rebuilt(proof, genesisHash: other.hash), genesis: chain.genesis)
        }
        // A genesis of another chain with the same validators can't be the one the bundle names either.
        let elsewhere = try Genesis(chainID: try ChainID("fogledger-elsewhere"), timeMillis: 0, consensus: .poa,
                                    validators: chain.genesis.validators, accounts: [])
        expectLightError(.wrongChain) { try LightVerifier.verify(proof, genesis: elsewhere) }
    }

    @Test func wrongChainIsRejected() throws {
        let proof = chain.readingProof(height: 2, index: 0)
        let otherChain = try ChainID("fogledger-other")
        expectLightError(.wrongChain) {
            try LightVerifier.verify(rebuilt(proof, chainID: otherChain), genesis: chain.genesis)
        }
        // A whole chain with the same keys under another id: its headers don't belong to this genesis.
        var twin = LightChainFixture(chain: "fogledger-twin", keys: [LightChainFixture.key(.ed25519, 1)])
        twin.commit(readings: twin.readings(count: 1))
        let twinProof = twin.readingProof(height: 1, index: 0)
        expectLightError(.wrongChain) {
            try LightVerifier.verify(rebuilt(twinProof, chainID: chain.chainID, genesisHash: chain.genesis.hash), genesis: chain.genesis)
        }
    }
}
