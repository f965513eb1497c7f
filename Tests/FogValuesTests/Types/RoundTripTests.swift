import FogCore
import FogCrypto
import FogTestKit
import FogTypes
import Testing

/// encode → decode → equal, with stable bytes, for every FogTypes object.
@Suite struct RoundTripTests {
    /// Decodes `object`'s encoding and checks the result is equal and re-encodes to the same bytes.
    func roundTrip<T: CanonicalObject>(_ object: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = object.encoded
        let decoded = try T.decode(bytes)
        #expect(decoded == object, sourceLocation: sourceLocation)
        #expect(decoded.encoded == bytes, sourceLocation: sourceLocation)
        #expect(decoded.hash == object.hash, sourceLocation: sourceLocation)
        // The bytes are deterministic CBOR, and the type tag is the first entry.
        #expect(try CBORReader.decode(bytes).encoded == bytes, sourceLocation: sourceLocation)
        #expect(try CBORReader.decode(bytes)[.int(0)] == .unsigned(T.objectType.rawValue), sourceLocation: sourceLocation)
        #expect(bytes[1] == 0x00, sourceLocation: sourceLocation)
        // Encoding is a pure function of the value.
        #expect(object.encoded == bytes, sourceLocation: sourceLocation)
    }

    static let inlineValues: [CBORValue] = [
        .int(0), .int(-40), .unsigned(.max), .negative(.max), .float(21.5), .float(-0.0), .float(0.1), .float(.infinity),
        .float(.nan), .bool(true), .null, .text("ok"), .bytes([1, 2, 3]), .array([.int(1), .float(1.5)]),
        .map([CBORMapEntry(.text("t"), .float(4.25)), CBORMapEntry(.text("h"), .int(61)), CBORMapEntry(.int(-1), .null)]),
        .tagged(1, .int(1_700_000_000)),
    ]

    @Test(arguments: inlineValues)
    func readingWithInlineValue(_ value: CBORValue) throws {
        let device = Fixtures.signer(.ed25519).publicKey.address
        try roundTrip(try Fixtures.reading(device: device, content: .inline(value)))
    }

    @Test func readingWithPayloadHash() throws {
        let device = Fixtures.signer(.p256).publicKey.address
        let reading = try Fixtures.reading(device: device, seq: .max, content: .payload(hash: Fixtures.hashB, mediaType: "image/jpeg"))
        try roundTrip(reading)
        let value = reading.cborValue
        #expect(value[.int(5)] == nil)
        #expect(value.field(6) == .bytes(Fixtures.hashB.bytes))
        #expect(value.field(7) == .text("image/jpeg"))
    }

    @Test func readingBatches() throws {
        let device = Fixtures.signer(.mldsa65).publicKey.address
        for count in [1, 2, 3, 17] {
            try roundTrip(try Fixtures.batch(device: device, count: count))
        }
    }

    /// A batch entry carries seq, time and content only; the full `Reading` (the readings-tree leaf)
    /// is rebuilt from the batch's chain and device and equals the reading signed alone.
    @Test func batchEntriesBecomeFullReadings() throws {
        let device = Fixtures.signer(.ed25519).publicKey.address
        let batch = try Fixtures.batch(device: device)
        let entries = batch.cborValue.field(8).arrayItems!
        #expect(entries.count == 3)
        for (entry, reading) in zip(entries, try ReadingBatch.decode(batch.encoded).readings) {
            #expect(entry[.int(1)] == nil && entry[.int(2)] == nil && entry[.int(0)] == nil)
            #expect(entry.field(3) == .unsigned(reading.sequence))
            #expect(reading.chainID == Fixtures.chain && reading.device == device)
            let alone = try Fixtures.reading(device: device, seq: reading.sequence, content: reading.content)
            #expect(reading.encoded == alone.encoded)
        }
    }

    @Test func transactions() throws {
        let signer = Fixtures.signer(.ed25519).publicKey.address
        try roundTrip(try Fixtures.transaction(signer: signer))
        try roundTrip(try Transaction(chainID: Fixtures.chain, signer: signer, nonce: 0, kind: TransactionKind(rawValue: .max), body: .map([])))
    }

    /// A body built in any order is the same transaction as its decoded copy.
    @Test func transactionBodyOrderDoesNotMatter() throws {
        let signer = Fixtures.signer(.ed25519).publicKey.address
        let entries = [CBORMapEntry(.int(9), .text("z")), CBORMapEntry(.int(1), .int(1)), CBORMapEntry(.text("a"), .null)]
        let a = try Transaction(chainID: Fixtures.chain, signer: signer, nonce: 1, kind: TransactionKind(rawValue: 1), body: .map(entries))
        let b = try Transaction(chainID: Fixtures.chain, signer: signer, nonce: 1, kind: TransactionKind(rawValue: 1), body: .map(entries.reversed()))
        #expect(a == b)
        #expect(a.encoded == b.encoded)
        try roundTrip(a)
    }

    @Test func votes() throws {
        let validator = Fixtures.signer(.p256).publicKey.address
        try roundTrip(try Fixtures.vote(validator: validator))
        try roundTrip(try Fixtures.vote(validator: validator, step: .prevote, height: .max, round: .max, block: nil))
        #expect(try Fixtures.vote(validator: validator, block: nil).cborValue.field(5) == .null)
    }

    @Test func proposals() throws {
        let proposer = Fixtures.signer(.ed25519).publicKey.address
        try roundTrip(try Fixtures.proposal(proposer: proposer))
        try roundTrip(try Fixtures.proposal(proposer: proposer, polRound: 1))
        #expect(try Fixtures.proposal(proposer: proposer).cborValue.field(4) == .negative(0))
    }

    @Test func headers() throws {
        let header = try Fixtures.header(height: 2)
        try roundTrip(header)
        #expect(header.blockID == SHA256Hasher.hash(header.encoded))
        try roundTrip(try Fixtures.header(height: 1))
    }

    @Test func blocks() throws {
        let key = Fixtures.signer(.ed25519)
        let envelopes = try [
            Signed.sign(try Fixtures.reading(device: key.publicKey.address), with: key).bytes,
            Signed.sign(try Fixtures.transaction(signer: key.publicKey.address), with: key).bytes,
        ]
        try roundTrip(try Block(header: try Fixtures.header(height: 1), transactions: envelopes, lastCommit: nil))
        try roundTrip(try Block(header: try Fixtures.header(height: 1), transactions: [], lastCommit: nil))
        let (_, keys) = try Fixtures.validatorSet(count: 4)
        let commit = try Fixtures.commit(keys, height: 5)
        let block = try Block(header: try Fixtures.header(height: 6), transactions: envelopes, lastCommit: commit)
        try roundTrip(block)
        #expect(try Block.decode(block.encoded).lastCommit == commit)
    }

    @Test func commits() throws {
        let (_, keys) = try Fixtures.validatorSet([.ed25519, .p256, .mldsa65], count: 4)
        let commit = try Fixtures.commit(keys)
        try roundTrip(commit)
        #expect(commit.signatures.map(\.validator) == commit.signatures.map(\.validator).sorted())
    }

    @Test func validatorSets() throws {
        try roundTrip(try Fixtures.validatorSet([.ed25519, .p256, .mldsa65], count: 5, powers: [1, 2, 3]).set)
        try roundTrip(try Fixtures.validatorSet(count: 1, powers: [ValidatorSet.maxTotalPower]).set)
    }

    @Test(arguments: ConsensusMode.allCases)
    func genesis(_ mode: ConsensusMode) throws {
        let base = try Fixtures.genesis()
        let genesis = try Genesis(chainID: base.chainID, timeMillis: base.timeMillis, consensus: mode,
                                  validators: base.validators, accounts: base.accounts.reversed())
        try roundTrip(genesis)
        #expect(genesis.accounts == base.accounts, "accounts are sorted by address whatever the input order")
        try roundTrip(try Genesis(chainID: base.chainID, timeMillis: 0, consensus: mode, validators: base.validators, accounts: []))
    }

    @Test func objectTypeTagsAreTheSpecifiedNumbers() {
        let expected: [(ObjectType, UInt64, String)] = [
            (.reading, 1, "reading"), (.readingBatch, 2, "reading-batch"), (.transaction, 3, "transaction"),
            (.proposal, 4, "proposal"), (.vote, 5, "vote"), (.blockHeader, 16, "block-header"), (.block, 17, "block"),
            (.commit, 18, "commit"), (.validatorSet, 19, "validator-set"), (.genesis, 20, "genesis"),
            (.accountRecord, 21, "account-record"), (.deviceRecord, 22, "device-record"), (.receipt, 23, "receipt"),
            (.signedHeader, 24, "signed-header"), (.validatorSetChange, 25, "validator-set-change"),
            (.readingProof, 26, "reading-proof"), (.stateProof, 27, "state-proof"),
            (.consensusParams, 28, "consensus-params"), (.validatorRecord, 29, "validator-record"),
            (.validatorProposal, 30, "validator-proposal"), (.validatorSchedule, 31, "validator-schedule"),
            (.hmacReading, 32, "hmac-reading"),
        ]
        #expect(ObjectType.allCases.count == expected.count)
        for (type, raw, name) in expected {
            #expect(type.rawValue == raw)
            #expect(type.description == name)
        }
    }
}

/// sign → encode → decode → verify for every signed object and every algorithm.
@Suite struct SignedRoundTripTests {
    func check<T: SignedObject>(_ object: T, _ key: PrivateKey, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let signed = try Signed.sign(object, with: key)
        #expect(signed.envelope.keyID == nil, "FogLedger writes no kid (docs/adr/0001)", sourceLocation: sourceLocation)
        #expect(signed.envelope.payload == object.encoded, sourceLocation: sourceLocation)
        #expect(signed.envelope.algorithm == key.algorithm, sourceLocation: sourceLocation)
        let decoded = try Signed<T>(decoding: signed.bytes, chain: Fixtures.chain)
        #expect(decoded.object == object, sourceLocation: sourceLocation)
        #expect(decoded.bytes == signed.bytes, sourceLocation: sourceLocation)
        #expect(decoded.envelope.encoded == signed.bytes, sourceLocation: sourceLocation)
        #expect(decoded.payloadHash == object.hash, sourceLocation: sourceLocation)
        #expect(decoded == signed, sourceLocation: sourceLocation)
        try decoded.verify(with: key.publicKey)
        // The Sig_structure is the standard COSE one over the object's encoding.
        let tbs = COSESign1.toBeSigned(protectedHeader: COSESign1.protectedHeader(for: key.algorithm), payload: object.encoded)
        #expect(key.publicKey.isValidSignature(decoded.envelope.signature, for: tbs), sourceLocation: sourceLocation)
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func readings(_ algorithm: SignatureAlgorithm) throws {
        let key = Fixtures.signer(algorithm)
        try check(try Fixtures.reading(device: key.publicKey.address), key)
        try check(try Fixtures.reading(device: key.publicKey.address, content: .payload(hash: Fixtures.hashA, mediaType: "text/csv")), key)
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func batches(_ algorithm: SignatureAlgorithm) throws {
        let key = Fixtures.signer(algorithm)
        try check(try Fixtures.batch(device: key.publicKey.address), key)
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func transactions(_ algorithm: SignatureAlgorithm) throws {
        let key = Fixtures.signer(algorithm)
        try check(try Fixtures.transaction(signer: key.publicKey.address), key)
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func votes(_ algorithm: SignatureAlgorithm) throws {
        let key = Fixtures.signer(algorithm)
        try check(try Fixtures.vote(validator: key.publicKey.address), key)
        try check(try Fixtures.vote(validator: key.publicKey.address, step: .prevote, block: nil), key)
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func proposals(_ algorithm: SignatureAlgorithm) throws {
        let key = Fixtures.signer(algorithm)
        try check(try Fixtures.proposal(proposer: key.publicKey.address), key)
    }

    /// A kid is optional: a COSE library that writes the signer's address as kid is accepted too.
    @Test(arguments: SignatureAlgorithm.allCases)
    func kidNamingTheSignerIsAccepted(_ algorithm: SignatureAlgorithm) throws {
        let key = Fixtures.signer(algorithm)
        let reading = try Fixtures.reading(device: key.publicKey.address)
        let envelope = try COSESign1.sign(payload: reading.encoded, with: key, keyID: key.publicKey.address.bytes)
        let decoded = try Signed<Reading>(decoding: envelope.encoded)
        #expect(decoded.envelope.keyID == key.publicKey.address.bytes)
        #expect(decoded.bytes == envelope.encoded)
        try decoded.verify(with: key.publicKey)
    }

    /// A COSE library that writes Ed25519's fully specified identifier -19 (RFC 9864) is accepted too.
    @Test func ed25519AlgorithmMinus19IsAccepted() throws {
        let key = Fixtures.signer(.ed25519)
        let reading = try Fixtures.reading(device: key.publicKey.address)
        let protected: [UInt8] = [0xa1, 0x01, 0x32]  // {1: -19}
        let signature = try key.signature(for: COSESign1.toBeSigned(protectedHeader: protected, payload: reading.encoded))
        let bytes = CBORValue.tagged(18, .array([.bytes(protected), .map([]), .bytes(reading.encoded), .bytes(signature)])).encoded
        let decoded = try Signed<Reading>(decoding: bytes)
        try decoded.verify(with: key.publicKey)
        #expect(decoded.envelope.encoded == bytes)
    }
}
