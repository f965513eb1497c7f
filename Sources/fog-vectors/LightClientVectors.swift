import FogCore
import FogCrypto
import FogTestKit
import FogTypes

/// Writes `light-client.json`: a chain of Ed25519 validators (deterministic signatures, so the file
/// regenerates byte for byte) whose set grows from 2 to 4 at height 2, and valid and broken bundles over
/// it. Block 3 is signed by all four validators, so the genesis set still signs it with all its power;
/// block 4 by validators 1, 3 and 4, half of the genesis set's power.
enum LightClientVectors {
    static func make() -> LightClientVectorFile {
        let genesisKeys = [LightChainFixture.key(.ed25519, 1), LightChainFixture.key(.ed25519, 2)]
        var chain = LightChainFixture(chain: "fogledger-vectors", keys: genesisKeys, powers: [1])
        let nextKeys = genesisKeys + [LightChainFixture.key(.ed25519, 3), LightChainFixture.key(.ed25519, 4)]
        for height in 1...4 {
            chain.commit(readings: chain.readings(count: 5, device: 10, firstSequence: UInt64(height * 10)),
                         state: [(LightChainFixture.stateKey("device-\(height)"), Array("device record \(height)".utf8))],
                         next: height == 2 ? (nextKeys, [1]) : nil, signers: height == 4 ? [0, 2, 3] : nil)
        }
        var vectors: [LightClientVector] = []

        func valid(_ name: String, _ proof: ReadingProof, _ comment: String) {
            let header = proof.signedHeader.header
            vectors.append(LightClientVector(name: name, comment: comment, kind: "reading-proof", bundle: Hex.encode(proof.encoded),
                                             height: header.height, blockTime: header.timeMillis, blockID: header.blockID.hex,
                                             reading: Hex.encode(proof.reading.encoded)))
        }
        func valid(_ name: String, _ proof: StateProof, _ comment: String) {
            let header = proof.signedHeader.header
            vectors.append(LightClientVector(name: name, comment: comment, kind: "state-proof", bundle: Hex.encode(proof.encoded),
                                             height: header.height, blockTime: header.timeMillis, blockID: header.blockID.hex,
                                             key: proof.key.hex, record: proof.record.map(Hex.encode)))
        }
        func invalid(_ name: String, _ kind: String, _ bytes: [UInt8], _ error: String, _ comment: String) {
            vectors.append(LightClientVector(name: name, comment: comment, kind: kind, bundle: Hex.encode(bytes), error: error))
        }
        func reading(_ proof: ReadingProof, history: [ValidatorSetChange]? = nil, genesis: Hash256? = nil, chainID: ChainID? = nil,
                     signedHeader: SignedHeader? = nil, reading: Reading? = nil) -> [UInt8] {
            try! ReadingProof(chainID: chainID ?? proof.chainID, genesisHash: genesis ?? proof.genesisHash,
                              history: history ?? proof.history, signedHeader: signedHeader ?? proof.signedHeader,
                              reading: reading ?? proof.reading, inclusion: proof.inclusion).encoded
        }

        let early = chain.readingProof(height: 1, index: 2)
        let skipping = chain.readingProof(height: 3, index: 4, history: [])
        let late = chain.readingProof(height: 4, index: 4)
        valid("reading-height-1", early, "Reading 2 of 5 in block 1, signed by the genesis set (2 Ed25519 validators); empty history.")
        valid("reading-height-3", chain.readingProof(height: 3, index: 4), "Reading 4 of 5 in block 3; the set changed at height 2 (two validators joined), so the history holds block 2's signed header and the new set.")
        valid("reading-height-3-no-history", skipping, "reading-height-3 without its history: block 3 names the new set, but both genesis validators signed it, more than 2/3 of the genesis set's power.")
        valid("reading-height-4", late, "Reading 4 of 5 in block 4, signed by validators 1, 3 and 4: one of the two genesis validators, so the history holds block 2's signed header and the new set.")
        valid("state-inclusion", chain.stateProof(height: 3, key: LightChainFixture.stateKey("device-2")),
              "State key device-2 after block 3: the record's SHA-256 is the key's value hash.")
        valid("state-non-inclusion", chain.stateProof(height: 1, key: LightChainFixture.stateKey("device-3")),
              "State key device-3 after block 1, before it was written: absent (record null).")

        let original = late.reading
        let forgedReading = try! Reading(chainID: original.chainID, device: original.device, sequence: original.sequence,
                                         timeMillis: original.timeMillis, content: .inline(.float(99)))
        invalid("reading-tampered", "reading-proof", reading(late, reading: forgedReading), "proof-invalid",
                "reading-height-4 with the reading's value changed to 99.0.")
        invalid("history-missing", "reading-proof", reading(late, history: []), "untrusted-validator-set",
                "reading-height-4 without its history: block 4's signers hold 1 of the genesis set's 2 power, not more than 2/3.")
        let attackers = [LightChainFixture.key(.ed25519, 66)]
        let forgedSet = LightChainFixture.validatorSet(attackers, powers: [1])
        let forgedStep = ValidatorSetChange(signedHeader: late.history[0].signedHeader, nextValidators: forgedSet)
        invalid("history-forged-next-set", "reading-proof", reading(late, history: [forgedStep]), "untrusted-validator-set",
                "reading-height-4 whose history step carries another next validator set than block 2's header names.")
        func flippingSignature(_ proof: ReadingProof, of signer: Address) -> SignedHeader {
            let commit = proof.signedHeader.commit
            var signatures = commit.signatures
            let index = signatures.firstIndex { $0.validator == signer }!
            var flipped = signatures[index].signature
            flipped[10] ^= 0x01
            signatures[index] = CommitSignature(validator: signer, signature: flipped)
            return SignedHeader(header: proof.signedHeader.header,
                                commit: try! Commit(chainID: commit.chainID, height: commit.height, round: commit.round,
                                                    blockID: commit.blockID, signatures: signatures))
        }
        invalid("commit-signature-flipped", "reading-proof", reading(late, signedHeader: flippingSignature(late, of: late.signedHeader.commit.signatures[0].validator)), "commit-invalid",
                "reading-height-4 with one bit of a commit signature flipped.")
        invalid("skip-signature-flipped", "reading-proof", reading(skipping, signedHeader: flippingSignature(skipping, of: genesisKeys[0].publicKey.address)), "commit-invalid",
                "reading-height-3-no-history with one bit of a genesis validator's commit signature flipped.")
        let commit = late.signedHeader.commit
        let weak = try! Commit(chainID: commit.chainID, height: commit.height, round: commit.round, blockID: commit.blockID,
                               signatures: Array(commit.signatures.prefix(2)))
        invalid("commit-half-of-the-power", "reading-proof",
                reading(late, signedHeader: SignedHeader(header: late.signedHeader.header, commit: weak)), "commit-invalid",
                "reading-height-4 whose commit keeps 2 of its 3 signatures: 2 of the set's 4 power.")
        invalid("genesis-mismatch", "reading-proof", reading(early, genesis: SHA256Hasher.hash(Array("another genesis".utf8))),
                "genesis-mismatch", "reading-height-1 naming another genesis hash.")
        invalid("wrong-chain", "reading-proof", reading(early, chainID: try! ChainID("fogledger-other")), "wrong-chain",
                "reading-height-1 naming another chain.")
        invalid("truncated", "reading-proof", Array(early.encoded.dropLast()), "malformed", "reading-height-1 without its last byte.")

        return LightClientVectorFile(
            description: "Light-client proof bundles (spec/light-client.md) over one small chain, each with the outcome a verifier trusting only `genesis` must reach: the verified height, block time, block id and record, or the error code. Validators sign with Ed25519 (deterministic), so the file regenerates identically.",
            chainID: chain.chainID.value, genesis: Hex.encode(chain.genesis.encoded), genesisHash: chain.genesis.hash.hex,
            vectors: vectors)
    }
}
