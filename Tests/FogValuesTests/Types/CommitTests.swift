import FogCore
import FogCrypto
import FogTestKit
import FogTypes
import Testing

/// `Commit.verify`: each precommit is rebuilt and checked, and the signers hold more than 2/3 of the power.
@Suite struct CommitTests {
    @Test func fourEqualValidatorsNeedThree() throws {
        let (set, keys) = try Fixtures.validatorSet(count: 4)
        #expect(try Fixtures.commit(keys).verify(validators: set) == 4)
        #expect(try Fixtures.commit(Array(keys.prefix(3))).verify(validators: set) == 3)
        #expect(try Fixtures.commit(Array(keys.suffix(3))).verify(validators: set) == 3)
        expectObjectError(.badSignature) { try Fixtures.commit(Array(keys.prefix(2))).verify(validators: set) }
        expectObjectError(.badSignature) { try Fixtures.commit([keys[3]]).verify(validators: set) }
    }

    @Test func exactlyTwoThirdsIsNotAQuorum() throws {
        let (set, keys) = try Fixtures.validatorSet(count: 3)
        expectObjectError(.badSignature) { try Fixtures.commit(Array(keys.prefix(2))).verify(validators: set) }
        #expect(try Fixtures.commit(keys).verify(validators: set) == 3)
        let (weighted, weightedKeys) = try Fixtures.validatorSet(count: 2, powers: [2, 1])
        let heavy = weightedKeys.first { weighted.validator($0.publicKey.address)!.power == 2 }!
        expectObjectError(.badSignature) { try Fixtures.commit([heavy]).verify(validators: weighted) }
        #expect(try Fixtures.commit(weightedKeys).verify(validators: weighted) == 3)
    }

    /// Every subset of a weighted set: the commit verifies exactly when 3 × signed power > 2 × total.
    @Test func weightedPowersEverySubset() throws {
        let (set, keys) = try Fixtures.validatorSet([.ed25519, .p256], count: 4, powers: [7, 4, 2, 1])
        #expect(set.totalPower == 14)
        for mask in 1..<(1 << keys.count) {
            let signers = keys.indices.filter { mask & (1 << $0) != 0 }.map { keys[$0] }
            let power = signers.reduce(0) { $0 + set.validator($1.publicKey.address)!.power }
            let commit = try Fixtures.commit(signers)
            if 3 * power > 2 * 14 {
                #expect(try commit.verify(validators: set) == power, "power \(power)")
            } else {
                expectObjectError(.badSignature, "power \(power)") { try commit.verify(validators: set) }
            }
            #expect(set.isQuorum(power) == (3 * power > 28))
        }
    }

    /// A signature the trusted commit of the same vote carries is not checked again; any other is,
    /// and a trusted commit of another vote (here another block) vouches for nothing.
    @Test func trustingAVerifiedCommitChecksOnlyTheNewSignatures() throws {
        let (set, keys) = try Fixtures.validatorSet(count: 4)
        let verified = try Fixtures.commit(Array(keys.prefix(3)))
        #expect(try Fixtures.commit(keys).verify(validators: set, trusting: verified) == 4)
        // The fourth signature is forged: caught although the other three are trusted.
        let forged = try Commit(chainID: verified.chainID, height: verified.height, round: verified.round,
                                blockID: verified.blockID,
                                signatures: verified.signatures + [CommitSignature(validator: keys[3].publicKey.address,
                                                                                   signature: verified.signatures[0].signature)])
        expectObjectError(.badSignature) { try forged.verify(validators: set, trusting: verified) }
        // The trusted commit's signatures are taken as they are: one of them forged is not seen.
        #expect(try forged.verify(validators: set, trusting: forged) == 4)
        // The same signature bytes under another block are checked, and fail.
        let otherBlock = try Commit(chainID: forged.chainID, height: forged.height, round: forged.round,
                                    blockID: Fixtures.hashB, signatures: forged.signatures)
        expectObjectError(.badSignature) { try forged.verify(validators: set, trusting: otherBlock) }
        // The quorum is still counted over every signature.
        expectObjectError(.badSignature) {
            try Fixtures.commit(Array(keys.prefix(2))).verify(validators: set, trusting: verified)
        }
    }

    @Test func mixedAlgorithmValidatorSet() throws {
        let (set, keys) = try Fixtures.validatorSet([.ed25519, .p256, .mldsa65], count: 6, powers: [3, 2, 1])
        #expect(Set(set.validators.map(\.publicKey.algorithm)) == Set(SignatureAlgorithm.allCases))
        let commit = try Fixtures.commit(keys)
        #expect(try commit.verify(validators: set) == set.totalPower)
        #expect(try Commit.decode(commit.encoded).verify(validators: set) == set.totalPower)
        // Each algorithm's signature has its own length.
        for entry in commit.signatures {
            #expect(entry.signature.count == set.validator(entry.validator)!.publicKey.algorithm.signatureByteCount)
        }
    }

    @Test func signatureFromANonValidator() throws {
        let (set, keys) = try Fixtures.validatorSet(count: 4)
        let outsider = Fixtures.signer(.p256, 3)
        #expect(set.validator(outsider.publicKey.address) == nil)
        // Even with a quorum of real validators, a stranger's signature makes the commit invalid.
        expectObjectError(.badSignature) { try Fixtures.commit(keys + [outsider]).verify(validators: set) }
        expectObjectError(.badSignature) { try Fixtures.commit([outsider]).verify(validators: set) }
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func tamperedSignature(_ algorithm: SignatureAlgorithm) throws {
        let (set, keys) = try Fixtures.validatorSet([algorithm], count: 4)
        let commit = try Fixtures.commit(keys)
        for victim in commit.signatures.indices {
            var signatures = commit.signatures
            var bytes = signatures[victim].signature
            bytes[bytes.count / 3] ^= 0x40
            signatures[victim] = CommitSignature(validator: signatures[victim].validator, signature: bytes)
            let tampered = try Commit(chainID: commit.chainID, height: commit.height, round: commit.round, blockID: commit.blockID, signatures: signatures)
            expectObjectError(.badSignature) { try tampered.verify(validators: set) }
        }
        // A truncated signature, and one validator's signature under another's name.
        var signatures = commit.signatures
        signatures[0] = CommitSignature(validator: signatures[0].validator, signature: Array(signatures[0].signature.dropLast()))
        expectObjectError(.badSignature) {
            try Commit(chainID: commit.chainID, height: commit.height, round: commit.round, blockID: commit.blockID, signatures: signatures)
                .verify(validators: set)
        }
        signatures = commit.signatures
        signatures[0] = CommitSignature(validator: signatures[0].validator, signature: signatures[1].signature)
        expectObjectError(.badSignature) {
            try Commit(chainID: commit.chainID, height: commit.height, round: commit.round, blockID: commit.blockID, signatures: signatures)
                .verify(validators: set)
        }
    }

    /// Signatures are bound to the chain, height, round and block that the commit names.
    @Test func signaturesForAnotherVoteDoNotVerify() throws {
        let (set, keys) = try Fixtures.validatorSet(count: 4)
        let signatures = try Fixtures.commit(keys).signatures
        let variants = [
            try Commit(chainID: Fixtures.otherChain, height: 5, round: 0, blockID: Fixtures.hashA, signatures: signatures),
            try Commit(chainID: Fixtures.chain, height: 6, round: 0, blockID: Fixtures.hashA, signatures: signatures),
            try Commit(chainID: Fixtures.chain, height: 5, round: 1, blockID: Fixtures.hashA, signatures: signatures),
            try Commit(chainID: Fixtures.chain, height: 5, round: 0, blockID: Fixtures.hashB, signatures: signatures),
        ]
        for commit in variants {
            expectObjectError(.badSignature) { try commit.verify(validators: set) }
        }
        // Prevote signatures for the same block are not precommits.
        let prevotes = try keys.map { key in
            try Signed.sign(try Fixtures.vote(validator: key.publicKey.address, step: .prevote), with: key)
        }
        let fromPrevotes = try Commit(chainID: Fixtures.chain, height: 5, round: 0, blockID: Fixtures.hashA,
                                      signatures: prevotes.map { CommitSignature(validator: $0.object.validator, signature: $0.envelope.signature) })
        expectObjectError(.badSignature) { try fromPrevotes.verify(validators: set) }
    }

    @Test func verifiedAgainstAnotherSetFails() throws {
        let (_, keys) = try Fixtures.validatorSet(count: 4)
        let (otherSet, _) = try Fixtures.validatorSet([.p256], count: 4)
        expectObjectError(.badSignature) { try Fixtures.commit(keys).verify(validators: otherSet) }
        // Same keys, different powers: 3 of 4 signers hold too little when the fourth is heavy.
        let heavy = try ValidatorSet(keys.enumerated().map { try Validator(publicKey: $1.publicKey, power: $0 == 3 ? 10 : 1) })
        expectObjectError(.badSignature) { try Fixtures.commit(Array(keys.prefix(3))).verify(validators: heavy) }
    }

    /// Each commit entry, with the commit's fields, is exactly a COSE_Sign1 precommit the validator signed.
    @Test func entriesRebuildIntoSignedPrecommits() throws {
        let (set, keys) = try Fixtures.validatorSet([.ed25519, .p256, .mldsa65], count: 3)
        let commit = try Fixtures.commit(keys)
        for entry in commit.signatures {
            let key = set.validator(entry.validator)!.publicKey
            let vote = try Vote(chainID: commit.chainID, step: .precommit, height: commit.height, round: commit.round,
                                blockID: commit.blockID, validator: entry.validator)
            let envelope = CBORValue.tagged(18, .array([.bytes(COSESign1.protectedHeader(for: key.algorithm)), .map([]),
                                                        .bytes(vote.encoded), .bytes(entry.signature)])).encoded
            try Signed<Vote>(decoding: envelope, chain: Fixtures.chain).verify(with: key)
        }
    }

    // MARK: Commit(precommits:)

    @Test func precommitsMustAgree() throws {
        let keys = (0..<3).map { Fixtures.signer(.ed25519, $0) }
        let good = try Fixtures.precommits(keys)
        _ = try Commit(precommits: good)
        func vote(_ key: PrivateKey, step: VoteStep = .precommit, chain: ChainID = Fixtures.chain, height: UInt64 = 5,
                  round: UInt64 = 0, block: Hash256? = Fixtures.hashA) throws -> Signed<Vote> {
            try Signed.sign(try Vote(chainID: chain, step: step, height: height, round: round, blockID: block,
                                     validator: key.publicKey.address), with: key)
        }
        let odd = Fixtures.signer(.ed25519, 3)
        let mismatches: [(String, Signed<Vote>)] = [
            ("prevote", try vote(odd, step: .prevote)),
            ("other chain", try vote(odd, chain: Fixtures.otherChain)),
            ("other height", try vote(odd, height: 6)),
            ("other round", try vote(odd, round: 1)),
            ("other block", try vote(odd, block: Fixtures.hashB)),
            ("nil vote", try vote(odd, block: nil)),
        ]
        for (name, bad) in mismatches {
            expectObjectError(.invalidValue, "\(name) last") { _ = try Commit(precommits: good + [bad]) }
            expectObjectError(.invalidValue, "\(name) first") { _ = try Commit(precommits: [bad] + good) }
        }
        expectObjectError(.invalidValue, "empty") { _ = try Commit(precommits: []) }
        expectObjectError(.invalidValue, "twice") { _ = try Commit(precommits: good + [good[0]]) }
        expectObjectError(.invalidValue, "prevotes only") { _ = try Commit(precommits: [try vote(odd, step: .prevote)]) }
    }

    /// A precommit signed under another protected header than {1: alg} cannot be carried, since
    /// verification rebuilds exactly that header.
    @Test func precommitWithAnotherProtectedHeaderIsRejected() throws {
        let key = Fixtures.signer(.ed25519)
        let vote = try Fixtures.vote(validator: key.publicKey.address)
        let protected: [UInt8] = [0xa1, 0x01, 0x32]  // {1: -19}, also Ed25519
        let signature = try key.signature(for: COSESign1.toBeSigned(protectedHeader: protected, payload: vote.encoded))
        let envelope = CBORValue.tagged(18, .array([.bytes(protected), .map([]), .bytes(vote.encoded), .bytes(signature)])).encoded
        let signed = try Signed<Vote>(decoding: envelope)
        try signed.verify(with: key.publicKey)
        expectObjectError(.malformed) { _ = try Commit(precommits: [signed]) }
    }

    @Test func commitFromPrecommitsKeepsTheirSignatures() throws {
        let keys = [Fixtures.signer(.mldsa65), Fixtures.signer(.ed25519), Fixtures.signer(.p256)]
        let precommits = try Fixtures.precommits(keys)
        let commit = try Commit(precommits: precommits)
        #expect(commit.chainID == Fixtures.chain && commit.height == 5 && commit.round == 0 && commit.blockID == Fixtures.hashA)
        for precommit in precommits {
            #expect(commit.signatures.contains(CommitSignature(validator: precommit.object.validator, signature: precommit.envelope.signature)))
        }
    }
}
