import FogCore
import FogCrypto
import FogTestKit
import FogTypes
import Testing

/// One sample of every object kind, and a way to decode bytes as each kind.
struct ObjectSample: Sendable, CustomTestStringConvertible {
    let type: ObjectType
    let value: CBORValue
    /// Fields that accept a value of any CBOR type (a reading's inline value).
    var anyTypeFields: Set<Int64> = []

    var testDescription: String { "\(type)" }

    static func decode(_ bytes: [UInt8], as type: ObjectType) throws {
        switch type {
        case .reading: _ = try Reading.decode(bytes)
        case .readingBatch: _ = try ReadingBatch.decode(bytes)
        case .transaction: _ = try Transaction.decode(bytes)
        case .proposal: _ = try Proposal.decode(bytes)
        case .vote: _ = try Vote.decode(bytes)
        case .blockHeader: _ = try BlockHeader.decode(bytes)
        case .block: _ = try Block.decode(bytes)
        case .commit: _ = try Commit.decode(bytes)
        case .validatorSet: _ = try ValidatorSet.decode(bytes)
        case .genesis: _ = try Genesis.decode(bytes)
        case .accountRecord: _ = try AccountRecord.decode(bytes)
        case .deviceRecord: _ = try DeviceRecord.decode(bytes)
        case .receipt: _ = try Receipt.decode(bytes)
        case .signedHeader: _ = try SignedHeader.decode(bytes)
        case .validatorSetChange: _ = try ValidatorSetChange.decode(bytes)
        case .readingProof: _ = try ReadingProof.decode(bytes)
        case .stateProof: _ = try StateProof.decode(bytes)
        case .consensusParams: _ = try ConsensusParams.decode(bytes)
        case .validatorRecord: _ = try ValidatorRecord.decode(bytes)
        case .validatorProposal: _ = try ValidatorProposal.decode(bytes)
        case .validatorSchedule: _ = try ValidatorSchedule.decode(bytes)
        case .hmacReading: _ = try HMACReading.decode(bytes)
        }
    }

    static let all: [ObjectSample] = {
        let key = Fixtures.signer(.ed25519)
        let device = key.publicKey.address
        let (_, keys) = try! Fixtures.validatorSet(count: 4)
        let commit = try! Fixtures.commit(keys, height: 1)
        let envelope = try! Signed.sign(try! Fixtures.reading(device: device), with: key).bytes
        return [
            ObjectSample(type: .reading, value: try! Fixtures.reading(device: device).cborValue, anyTypeFields: [5]),
            ObjectSample(type: .reading, value: try! Fixtures.reading(device: device, content: .payload(hash: Fixtures.hashA, mediaType: "a/b")).cborValue),
            ObjectSample(type: .readingBatch, value: try! Fixtures.batch(device: device).cborValue),
            ObjectSample(type: .hmacReading, value: try! HMACReading(Fixtures.reading(device: device)).cborValue, anyTypeFields: [5]),
            ObjectSample(type: .transaction, value: try! Fixtures.transaction(signer: device).cborValue),
            ObjectSample(type: .proposal, value: try! Fixtures.proposal(proposer: device).cborValue),
            ObjectSample(type: .vote, value: try! Fixtures.vote(validator: device).cborValue),
            ObjectSample(type: .blockHeader, value: try! Fixtures.header(height: 2).cborValue),
            ObjectSample(type: .block, value: try! Block(header: Fixtures.header(height: 2), transactions: [envelope], lastCommit: commit).cborValue),
            ObjectSample(type: .commit, value: commit.cborValue),
            ObjectSample(type: .validatorSet, value: try! Fixtures.validatorSet([.ed25519, .p256], count: 3).set.cborValue),
            ObjectSample(type: .genesis, value: try! Fixtures.genesis().cborValue),
            ObjectSample(type: .consensusParams, value: ConsensusParams.default.cborValue),
            // A bool has no "other type" in otherType(than:); ValidatorObjectTests rejects a non-bool jailed.
            ObjectSample(type: .validatorRecord, value: try! ValidatorRecord(
                publicKey: key.publicKey, operatorAccount: device, jailed: false,
                stakes: [Stake(delegator: device, amount: 5)]).cborValue, anyTypeFields: [3]),
            ObjectSample(type: .validatorProposal, value: try! ValidatorProposal(
                change: ValidatorChange(publicKey: key.publicKey, power: 2, operatorAccount: device), proposedAt: 3,
                approvals: [device]).cborValue),
            ObjectSample(type: .validatorSchedule, value: try! ValidatorSchedule(
                mode: .dpos, candidates: [device], setHeights: [1, 5],
                unbonding: [UnbondingEntry(maturity: 9, account: device, amount: 4)]).cborValue),
        ]
    }()

    /// A value of another CBOR type than `value`.
    static func otherType(than value: CBORValue) -> CBORValue {
        switch value {
        case .unsigned, .negative: return .text("1")
        case .bytes: return .unsigned(1)
        case .text: return .bytes([0x61])
        case .map: return .array([])
        case .array: return .map([])
        default: return .bool(true)
        }
    }
}

@Suite struct ObjectErrorTests {
    @Test(arguments: ObjectSample.all)
    func samplesDecode(_ sample: ObjectSample) throws {
        try ObjectSample.decode(sample.value.encoded, as: sample.type)
    }

    // MARK: wrong object type

    @Test(arguments: ObjectSample.all)
    func everyOtherTypeRejectsTheBytes(_ sample: ObjectSample) {
        for other in ObjectType.allCases where other != sample.type {
            expectObjectError(.wrongObjectType, "\(sample.type) decoded as \(other)") {
                try ObjectSample.decode(sample.value.encoded, as: other)
            }
        }
    }

    @Test(arguments: ObjectSample.all)
    func badTypeTags(_ sample: ObjectSample) {
        expectObjectError(.wrongObjectType) { try ObjectSample.decode(sample.value.setting(0, .int(99)).encoded, as: sample.type) }
        expectObjectError(.malformed) { try ObjectSample.decode(sample.value.setting(0, .text("reading")).encoded, as: sample.type) }
        expectObjectError(.malformed) { try ObjectSample.decode(sample.value.setting(0, .int(-1)).encoded, as: sample.type) }
        expectObjectError(.malformed) { try ObjectSample.decode(sample.value.removing(0).encoded, as: sample.type) }
        expectObjectError(.malformed) { try ObjectSample.decode(CBORValue.array([sample.value]).encoded, as: sample.type) }
    }

    @Test func signedEnvelopeOfAnotherType() throws {
        let key = Fixtures.signer(.ed25519)
        let vote = try Signed.sign(try Fixtures.vote(validator: key.publicKey.address), with: key)
        expectObjectError(.wrongObjectType) { _ = try Signed<Proposal>(decoding: vote.bytes) }
        expectObjectError(.wrongObjectType) { _ = try Signed<Reading>(decoding: vote.bytes) }
        let batch = try Signed.sign(try Fixtures.batch(device: key.publicKey.address), with: key)
        expectObjectError(.wrongObjectType) { _ = try Signed<Reading>(decoding: batch.bytes) }
    }

    // MARK: unknown, missing and mistyped fields

    @Test(arguments: ObjectSample.all)
    func unknownFieldIsRejected(_ sample: ObjectSample) {
        for key: Int64 in [99, 12, -1, 1_000_000] where sample.value[.int(key)] == nil {
            expectObjectError(.malformed, "field \(key)") {
                try ObjectSample.decode(sample.value.setting(key, .int(0)).encoded, as: sample.type)
            }
        }
        let textKey = CBORValue.map(sample.value.mapEntries! + [CBORMapEntry(.text("x"), .int(0))])
        expectObjectError(.malformed) { try ObjectSample.decode(textKey.encoded, as: sample.type) }
    }

    @Test(arguments: ObjectSample.all)
    func everyMissingFieldIsRejected(_ sample: ObjectSample) {
        for entry in sample.value.mapEntries! {
            let key = entry.key.int64!
            expectObjectError(.malformed, "without field \(key)") {
                try ObjectSample.decode(sample.value.removing(key).encoded, as: sample.type)
            }
        }
    }

    @Test(arguments: ObjectSample.all)
    func everyMistypedFieldIsRejected(_ sample: ObjectSample) {
        for entry in sample.value.mapEntries! {
            let key = entry.key.int64!
            guard key != 0, !sample.anyTypeFields.contains(key) else { continue }
            expectObjectError(.malformed, "field \(key) as another type") {
                try ObjectSample.decode(sample.value.setting(key, ObjectSample.otherType(than: entry.value)).encoded, as: sample.type)
            }
        }
    }

    @Test func nestedUnknownAndMistypedFields() throws {
        let device = Fixtures.signer(.ed25519).publicKey.address
        // A batch entry may hold only seq, time and content — not a chain, device or type tag.
        let batch = try Fixtures.batch(device: device).cborValue
        var entries = batch.field(8).arrayItems!
        for key: Int64 in [0, 1, 2, 8, 9] {
            var changed = entries
            changed[0] = entries[0].setting(key, .int(1))
            expectObjectError(.malformed, "batch entry field \(key)") { _ = try ReadingBatch.decode(batch.setting(8, .array(changed)).encoded) }
        }
        entries[1] = .text("reading")
        expectObjectError(.malformed) { _ = try ReadingBatch.decode(batch.setting(8, .array(entries)).encoded) }

        // A validator entry is {1: key, 2: power}.
        let set = try Fixtures.validatorSet(count: 2).set.cborValue
        let validators = set.field(1).arrayItems!
        let extra = [validators[0].setting(3, .int(1)), validators[1]]
        expectObjectError(.malformed) { _ = try ValidatorSet.decode(set.setting(1, .array(extra)).encoded) }
        let noPower = [validators[0].removing(2), validators[1]]
        expectObjectError(.malformed) { _ = try ValidatorSet.decode(set.setting(1, .array(noPower)).encoded) }
        let textPower = [validators[0].setting(2, .text("1")), validators[1]]
        expectObjectError(.malformed) { _ = try ValidatorSet.decode(set.setting(1, .array(textPower)).encoded) }

        // A genesis account is {1: key, 2: balance}.
        let genesis = try Fixtures.genesis().cborValue
        let accounts = genesis.field(5).arrayItems!
        expectObjectError(.malformed) {
            _ = try Genesis.decode(genesis.setting(5, .array([accounts[0].setting(3, .null)] + accounts.dropFirst())).encoded)
        }

        // A commit signature is [validator, signature].
        let (_, keys) = try Fixtures.validatorSet(count: 4)
        let commit = try Fixtures.commit(keys).cborValue
        let signatures = commit.field(5).arrayItems!
        for bad: CBORValue in [.array(signatures[0].arrayItems! + [.null]), .array([signatures[0].arrayItems![0]]),
                               .map([]), .array([.bytes([1]), signatures[0].arrayItems![1]]),
                               .array([signatures[0].arrayItems![0], .text("signature")])] {
            expectObjectError(.malformed, "\(bad)") {
                _ = try Commit.decode(commit.setting(5, .array([bad] + signatures.dropFirst())).encoded)
            }
        }

        // A block's header is checked as a header.
        let header = try Fixtures.header(height: 1).cborValue
        let block = CBORValue.map([CBORMapEntry(.int(0), .int(17)), CBORMapEntry(.int(1), header.setting(12, .int(0))),
                                   CBORMapEntry(.int(2), .array([])), CBORMapEntry(.int(3), .null)])
        expectObjectError(.malformed) { _ = try Block.decode(block.encoded) }
        expectObjectError(.wrongObjectType) { _ = try Block.decode(block.setting(1, header.setting(0, .int(18))).encoded) }
    }

    @Test func wrongLengthsOfAddressesAndHashes() throws {
        let device = Fixtures.signer(.ed25519).publicKey.address
        let reading = try Fixtures.reading(device: device).cborValue
        for length in [0, 19, 21, 32] {
            expectObjectError(.malformed) { _ = try Reading.decode(reading.setting(2, .bytes([UInt8](repeating: 1, count: length))).encoded) }
        }
        let vote = try Fixtures.vote(validator: device).cborValue
        for length in [0, 20, 31, 33] {
            expectObjectError(.malformed) { _ = try Vote.decode(vote.setting(5, .bytes([UInt8](repeating: 1, count: length))).encoded) }
        }
        let payload = try Fixtures.reading(device: device, content: .payload(hash: Fixtures.hashA, mediaType: "a/b")).cborValue
        expectObjectError(.malformed) { _ = try Reading.decode(payload.setting(6, .bytes([1, 2])).encoded) }
    }

    // MARK: chain, kid and signature

    @Test(arguments: SignatureAlgorithm.allCases)
    func wrongChain(_ algorithm: SignatureAlgorithm) throws {
        let key = Fixtures.signer(algorithm)
        let address = key.publicKey.address
        let envelopes: [(String, [UInt8], (([UInt8]) throws -> Void))] = [
            ("reading", try Signed.sign(try Fixtures.reading(device: address), with: key).bytes, { _ = try Signed<Reading>(decoding: $0, chain: Fixtures.otherChain) }),
            ("batch", try Signed.sign(try Fixtures.batch(device: address), with: key).bytes, { _ = try Signed<ReadingBatch>(decoding: $0, chain: Fixtures.otherChain) }),
            ("transaction", try Signed.sign(try Fixtures.transaction(signer: address), with: key).bytes, { _ = try Signed<Transaction>(decoding: $0, chain: Fixtures.otherChain) }),
            ("vote", try Signed.sign(try Fixtures.vote(validator: address), with: key).bytes, { _ = try Signed<Vote>(decoding: $0, chain: Fixtures.otherChain) }),
            ("proposal", try Signed.sign(try Fixtures.proposal(proposer: address), with: key).bytes, { _ = try Signed<Proposal>(decoding: $0, chain: Fixtures.otherChain) }),
        ]
        for (name, bytes, decode) in envelopes {
            expectObjectError(.wrongChain, "\(name)") { try decode(bytes) }
        }
        // Without a chain to check against, the same bytes decode.
        _ = try Signed<Reading>(decoding: envelopes[0].1)
        _ = try Signed<Reading>(decoding: envelopes[0].1, chain: Fixtures.chain)
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func kidNamingSomeoneElse(_ algorithm: SignatureAlgorithm) throws {
        let key = Fixtures.signer(algorithm)
        let someoneElse = Fixtures.signer(algorithm, 1).publicKey.address
        let address = key.publicKey.address
        func envelope(_ payload: [UInt8], kid: [UInt8]) throws -> [UInt8] {
            try COSESign1.sign(payload: payload, with: key, keyID: kid).encoded
        }
        for kid in [someoneElse.bytes, Array(address.bytes.prefix(19)), [], Array(repeating: 0, count: 64)] {
            expectObjectError(.badSignature) { _ = try Signed<Reading>(decoding: try envelope(try Fixtures.reading(device: address).encoded, kid: kid)) }
            expectObjectError(.badSignature) { _ = try Signed<ReadingBatch>(decoding: try envelope(try Fixtures.batch(device: address).encoded, kid: kid)) }
            expectObjectError(.badSignature) { _ = try Signed<Transaction>(decoding: try envelope(try Fixtures.transaction(signer: address).encoded, kid: kid)) }
            expectObjectError(.badSignature) { _ = try Signed<Vote>(decoding: try envelope(try Fixtures.vote(validator: address).encoded, kid: kid)) }
            expectObjectError(.badSignature) { _ = try Signed<Proposal>(decoding: try envelope(try Fixtures.proposal(proposer: address).encoded, kid: kid)) }
        }
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func badSignatures(_ algorithm: SignatureAlgorithm) throws {
        let key = Fixtures.signer(algorithm)
        let reading = try Fixtures.reading(device: key.publicKey.address)
        let signed = try Signed.sign(reading, with: key)

        // Another key of the same algorithm.
        expectObjectError(.badSignature) { try signed.verify(with: Fixtures.signer(algorithm, 1).publicKey) }
        // A key of another algorithm.
        for other in SignatureAlgorithm.allCases where other != algorithm {
            expectObjectError(.badSignature) { try signed.verify(with: Fixtures.signer(other).publicKey) }
        }
        // A flipped bit anywhere in the signature.
        for index in [0, signed.envelope.signature.count / 2, signed.envelope.signature.count - 1] {
            var bytes = signed.bytes
            bytes[bytes.count - signed.envelope.signature.count + index] ^= 0x01
            let tampered = try Signed<Reading>(decoding: bytes)
            expectObjectError(.badSignature, "bit flipped at \(index)") { try tampered.verify(with: key.publicKey) }
        }
        // The same signature over another payload (seq 2 instead of 1).
        let other = try Fixtures.reading(device: key.publicKey.address, seq: 2)
        let swapped = CBORValue.tagged(18, .array([.bytes(signed.envelope.protectedHeader), .map([CBORMapEntry(.int(4), .bytes(key.publicKey.address.bytes))]),
                                                   .bytes(other.encoded), .bytes(signed.envelope.signature)])).encoded
        let decoded = try Signed<Reading>(decoding: swapped)
        #expect(decoded.object == other)
        expectObjectError(.badSignature) { try decoded.verify(with: key.publicKey) }
    }

    @Test func envelopeErrorsKeepTheirCodes() throws {
        let key = Fixtures.signer(.ed25519)
        let reading = try Fixtures.reading(device: key.publicKey.address)
        let signed = try Signed.sign(reading, with: key)
        let parts = try CBORReader.decode(signed.bytes)
        guard case .tagged(18, .array(let items)) = parts else { Issue.record("not a COSE_Sign1"); return }
        expectObjectError(.malformed, "untagged") { _ = try Signed<Reading>(decoding: CBORValue.array(items).encoded) }
        expectObjectError(.unsupportedAlgorithm, "ES384") {
            _ = try Signed<Reading>(decoding: CBORValue.tagged(18, .array([.bytes([0xa1, 0x01, 0x38, 0x22])] + items.dropFirst())).encoded)
        }
        expectObjectError(.malformed, "payload not a reading") {
            _ = try Signed<Reading>(decoding: COSESign1.sign(payload: [0x01], with: key).encoded)
        }
        expectObjectError(.malformed, "payload with trailing bytes") {
            _ = try Signed<Reading>(decoding: COSESign1.sign(payload: reading.encoded + [0x00], with: key).encoded)
        }
    }

    // MARK: values out of range

    @Test func sequenceZeroIsRejected() throws {
        let device = Fixtures.signer(.ed25519).publicKey.address
        expectObjectError(.invalidValue) { _ = try Fixtures.reading(device: device, seq: 0) }
        let reading = try Fixtures.reading(device: device).cborValue
        expectObjectError(.invalidValue) { _ = try Reading.decode(reading.setting(3, .int(0)).encoded) }
        let batch = try Fixtures.batch(device: device).cborValue
        var entries = batch.field(8).arrayItems!
        entries[0] = entries[0].setting(3, .int(0))
        expectObjectError(.invalidValue) { _ = try ReadingBatch.decode(batch.setting(8, .array(entries)).encoded) }
        expectObjectError(.malformed) { _ = try Reading.decode(reading.setting(3, .int(-1)).encoded) }
    }

    @Test func batchSequenceMustIncrease() throws {
        let device = Fixtures.signer(.ed25519).publicKey.address
        let one = try Fixtures.reading(device: device, seq: 5)
        let same = try Fixtures.reading(device: device, seq: 5, content: .inline(.int(2)))
        let lower = try Fixtures.reading(device: device, seq: 4)
        expectObjectError(.invalidValue) { _ = try ReadingBatch(chainID: Fixtures.chain, device: device, readings: [one, same]) }
        expectObjectError(.invalidValue) { _ = try ReadingBatch(chainID: Fixtures.chain, device: device, readings: [one, lower]) }
        _ = try ReadingBatch(chainID: Fixtures.chain, device: device, readings: [lower, one])

        let batch = try Fixtures.batch(device: device).cborValue
        var entries = batch.field(8).arrayItems!
        entries[2] = entries[2].setting(3, entries[1].field(3))
        expectObjectError(.invalidValue) { _ = try ReadingBatch.decode(batch.setting(8, .array(entries)).encoded) }
        entries.swapAt(0, 1)
        expectObjectError(.invalidValue) { _ = try ReadingBatch.decode(batch.setting(8, .array(entries)).encoded) }
        expectObjectError(.limitExceeded) { _ = try ReadingBatch.decode(batch.setting(8, .array([])).encoded) }
    }

    @Test func batchReadingsBelongToItsChainAndDevice() throws {
        let device = Fixtures.signer(.ed25519).publicKey.address
        let otherDevice = Fixtures.signer(.ed25519, 1).publicKey.address
        expectObjectError(.invalidValue) {
            _ = try ReadingBatch(chainID: Fixtures.chain, device: device, readings: [try Fixtures.reading(device: otherDevice)])
        }
        expectObjectError(.invalidValue) {
            _ = try ReadingBatch(chainID: Fixtures.chain, device: device,
                                 readings: [try Fixtures.reading(device: device, chain: Fixtures.otherChain)])
        }
    }

    @Test func valueAndPayloadHashAreExclusive() throws {
        let device = Fixtures.signer(.ed25519).publicKey.address
        let inline = try Fixtures.reading(device: device).cborValue
        let hash = CBORValue.bytes(Fixtures.hashA.bytes)
        let cases: [(String, CBORValue)] = [
            ("both", inline.setting(6, hash).setting(7, .text("a/b"))),
            ("neither", inline.removing(5)),
            ("value and media type", inline.setting(7, .text("a/b"))),
            ("value and hash", inline.setting(6, hash)),
            ("hash without media type", inline.removing(5).setting(6, hash)),
            ("media type without hash", inline.removing(5).setting(7, .text("a/b"))),
        ]
        for (name, value) in cases {
            expectObjectError(.malformed, "\(name)") { _ = try Reading.decode(value.encoded) }
            let batch = try Fixtures.batch(device: device).cborValue
            var entries = batch.field(8).arrayItems!
            entries[0] = value.removing(0).removing(1).removing(2)
            expectObjectError(.malformed, "batch entry: \(name)") { _ = try ReadingBatch.decode(batch.setting(8, .array(entries)).encoded) }
        }
    }

    @Test func heightsStartAtOne() throws {
        let address = Fixtures.signer(.ed25519).publicKey.address
        expectObjectError(.invalidValue) { _ = try Fixtures.vote(validator: address, height: 0) }
        expectObjectError(.invalidValue) { _ = try Vote.decode(try Fixtures.vote(validator: address).cborValue.setting(3, .int(0)).encoded) }
        expectObjectError(.invalidValue) { _ = try Proposal.decode(try Fixtures.proposal(proposer: address).cborValue.setting(2, .int(0)).encoded) }
        expectObjectError(.invalidValue) { _ = try BlockHeader.decode(try Fixtures.header().cborValue.setting(2, .int(0)).encoded) }
        let (_, keys) = try Fixtures.validatorSet(count: 4)
        expectObjectError(.invalidValue) { _ = try Commit.decode(try Fixtures.commit(keys).cborValue.setting(2, .int(0)).encoded) }
    }

    @Test func voteSteps() throws {
        let vote = try Fixtures.vote(validator: Fixtures.signer(.ed25519).publicKey.address).cborValue
        for step: UInt64 in [0, 3, .max] {
            expectObjectError(.invalidValue, "step \(step)") { _ = try Vote.decode(vote.setting(2, .unsigned(step)).encoded) }
        }
        #expect(try Vote.decode(vote.setting(2, .int(1)).encoded).step == .prevote)
    }

    @Test func proofOfLockRound() throws {
        let proposer = Fixtures.signer(.ed25519).publicKey.address
        for polRound: Int64 in [-2, 2, 3, .min] {
            expectObjectError(.invalidValue, "polRound \(polRound)") { _ = try Fixtures.proposal(proposer: proposer, polRound: polRound) }
        }
        let proposal = try Fixtures.proposal(proposer: proposer).cborValue
        expectObjectError(.invalidValue) { _ = try Proposal.decode(proposal.setting(4, .int(-2)).encoded) }
        expectObjectError(.malformed) { _ = try Proposal.decode(proposal.setting(4, .unsigned(.max)).encoded) }
        #expect(try Proposal.decode(proposal.setting(4, .int(1)).encoded).polRound == 1)
    }

    @Test func blocksCarryTheRightCommit() throws {
        let (_, keys) = try Fixtures.validatorSet(count: 4)
        let commitAt5 = try Fixtures.commit(keys, height: 5)
        expectObjectError(.invalidValue) { _ = try Block(header: try Fixtures.header(height: 1), transactions: [], lastCommit: commitAt5) }
        expectObjectError(.invalidValue) { _ = try Block(header: try Fixtures.header(height: 6), transactions: [], lastCommit: nil) }
        expectObjectError(.invalidValue) { _ = try Block(header: try Fixtures.header(height: 7), transactions: [], lastCommit: commitAt5) }
        let otherChainCommit = try Commit(chainID: Fixtures.otherChain, height: 5, round: 0, blockID: Fixtures.hashA,
                                          signatures: commitAt5.signatures)
        expectObjectError(.invalidValue) { _ = try Block(header: try Fixtures.header(height: 6), transactions: [], lastCommit: otherChainCommit) }
        let good = try Block(header: try Fixtures.header(height: 6), transactions: [], lastCommit: commitAt5).cborValue
        expectObjectError(.invalidValue) { _ = try Block.decode(good.setting(3, .null).encoded) }
    }

    @Test func chainIDCharacters() throws {
        expectObjectError(.limitExceeded) { _ = try ChainID("") }
        for bad in ["Fog", "fog ledger", "f\u{f6}g", "fog/1", "fog:1", "fog\n", "FOGLEDGER"] {
            expectObjectError(.invalidValue, "\(bad.debugDescription)") { _ = try ChainID(bad) }
        }
        for good in ["a", "0", "fog.ledger_test-1", String(repeating: "z", count: 64)] {
            #expect(try ChainID(good).value == good)
        }
        let reading = try Fixtures.reading(device: Fixtures.signer(.ed25519).publicKey.address).cborValue
        expectObjectError(.invalidValue) { _ = try Reading.decode(reading.setting(1, .text("Fog")).encoded) }
        expectObjectError(.malformed) { _ = try Reading.decode(reading.setting(1, .bytes(Array("fog".utf8))).encoded) }
    }

    @Test func transactionBodyMustBeAMap() throws {
        let signer = Fixtures.signer(.ed25519).publicKey.address
        for body: CBORValue in [.array([]), .null, .bytes([]), .int(1)] {
            expectObjectError(.malformed) {
                _ = try Transaction(chainID: Fixtures.chain, signer: signer, nonce: 1, kind: TransactionKind(rawValue: 1), body: body)
            }
        }
    }

    @Test func genesisConsensusNames() throws {
        let genesis = try Fixtures.genesis().cborValue
        for name in ["pow", "POA", "", "proof-of-authority-but-longer"] {
            expectObjectError(.invalidValue, "\(name)") { _ = try Genesis.decode(genesis.setting(3, .text(name)).encoded) }
        }
        #expect(try Genesis.decode(genesis.setting(3, .text("dpos")).encoded).consensus == .dpos)
    }

    // MARK: ordering and duplicates

    @Test func validatorSetsAreSortedAndDistinct() throws {
        let (set, keys) = try Fixtures.validatorSet([.ed25519, .p256, .mldsa65], count: 3)
        let value = set.cborValue
        let items = value.field(1).arrayItems!
        expectObjectError(.malformed) { _ = try ValidatorSet.decode(value.setting(1, .array(items.reversed())).encoded) }
        expectObjectError(.malformed) { _ = try ValidatorSet.decode(value.setting(1, .array([items[1], items[0], items[2]])).encoded) }
        expectObjectError(.invalidValue) { _ = try ValidatorSet.decode(value.setting(1, .array([items[0], items[0]])).encoded) }
        let twice = [try Validator(publicKey: keys[0].publicKey, power: 1), try Validator(publicKey: keys[0].publicKey, power: 2)]
        expectObjectError(.invalidValue) { _ = try ValidatorSet(twice) }
        expectObjectError(.invalidValue) { _ = try Validator(publicKey: keys[0].publicKey, power: 0) }
        expectObjectError(.invalidValue) {
            _ = try ValidatorSet.decode(value.setting(1, .array([items[0].setting(2, .int(0))])).encoded)
        }
        expectObjectError(.limitExceeded) { _ = try ValidatorSet.decode(value.setting(1, .array([])).encoded) }
    }

    @Test func genesisAccountsAreSortedAndDistinct() throws {
        let genesis = try Fixtures.genesis()
        let value = genesis.cborValue
        let items = value.field(5).arrayItems!
        expectObjectError(.malformed) { _ = try Genesis.decode(value.setting(5, .array(items.reversed())).encoded) }
        expectObjectError(.invalidValue) { _ = try Genesis.decode(value.setting(5, .array([items[0], items[0]])).encoded) }
        expectObjectError(.invalidValue) {
            _ = try Genesis(chainID: Fixtures.chain, timeMillis: 0, consensus: .poa, validators: genesis.validators,
                            accounts: [genesis.accounts[0], GenesisAccount(publicKey: genesis.accounts[0].publicKey, balance: 5)])
        }
    }

    @Test func commitSignaturesAreSortedAndDistinct() throws {
        let (_, keys) = try Fixtures.validatorSet(count: 4)
        let commit = try Fixtures.commit(keys)
        let value = commit.cborValue
        let items = value.field(5).arrayItems!
        expectObjectError(.malformed) { _ = try Commit.decode(value.setting(5, .array(items.reversed())).encoded) }
        expectObjectError(.invalidValue) { _ = try Commit.decode(value.setting(5, .array([items[0], items[0]])).encoded) }
        expectObjectError(.limitExceeded) { _ = try Commit.decode(value.setting(5, .array([])).encoded) }
        expectObjectError(.invalidValue) {
            _ = try Commit(chainID: Fixtures.chain, height: 5, round: 0, blockID: Fixtures.hashA,
                           signatures: [commit.signatures[0], commit.signatures[0]])
        }
        // The initializer sorts, so any input order gives the same commit.
        let shuffled = try Commit(chainID: Fixtures.chain, height: 5, round: 0, blockID: Fixtures.hashA,
                                  signatures: commit.signatures.reversed())
        #expect(shuffled == commit)
    }
}
