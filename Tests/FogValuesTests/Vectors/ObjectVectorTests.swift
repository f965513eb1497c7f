import FogCore
import FogCrypto
import FogTestKit
import FogTypes
import Testing

/// Checks every entry of the committed `Tests/Vectors/objects.json`.
@Suite struct ObjectVectorTests {
    static let file = try! VectorFiles.load("objects.json", as: ObjectVectorFile.self)
    static func named(_ name: String) -> ObjectVector { file.vectors.first { $0.name == name }! }

    @Test func coversEveryObjectType() {
        // The light-client bundles (tags 24–27) have their own file, light-client.json
        // (spec/light-client.md §9), checked by FogMachinesTests' LightClientVectorTests.
        let bundleTypes: Set<ObjectType> = [.signedHeader, .validatorSetChange, .readingProof, .stateProof]
        #expect(Set(Self.file.vectors.map(\.typeTag)) == Set(ObjectType.allCases.filter { !bundleTypes.contains($0) }.map(\.rawValue)))
        #expect(Set(Self.file.vectors.map(\.name)).count == Self.file.vectors.count)
        let readings = Self.file.vectors.filter { $0.type == "reading" }.map(\.encoded).compactMap(Hex.decode)
        let values = try? readings.map { try Reading.decode($0).content }
        #expect(values?.contains { if case .inline(.float) = $0 { true } else { false } } == true, "a reading with an inline float")
        #expect(values?.contains { if case .payload = $0 { true } else { false } } == true, "a reading with a payload hash")
        #expect(Self.file.vectors.contains { $0.readingLeaves?.count == 3 }, "a batch of 3")
        #expect(Self.file.vectors.filter { $0.signed != nil }.count >= 5)
    }

    /// Decodes the encoding as the named type; the result re-encodes to the same bytes.
    func decode(_ bytes: [UInt8], as type: ObjectType) throws -> (encoded: [UInt8], value: any CanonicalObject) {
        func run<T: CanonicalObject>(_: T.Type) throws -> ([UInt8], any CanonicalObject) {
            let object = try T.decode(bytes)
            return (object.encoded, object)
        }
        switch type {
        case .reading: return try run(Reading.self)
        case .readingBatch: return try run(ReadingBatch.self)
        case .transaction: return try run(Transaction.self)
        case .proposal: return try run(Proposal.self)
        case .vote: return try run(Vote.self)
        case .blockHeader: return try run(BlockHeader.self)
        case .block: return try run(Block.self)
        case .commit: return try run(Commit.self)
        case .validatorSet: return try run(ValidatorSet.self)
        case .genesis: return try run(Genesis.self)
        case .accountRecord: return try run(AccountRecord.self)
        case .deviceRecord: return try run(DeviceRecord.self)
        case .receipt: return try run(Receipt.self)
        case .signedHeader: return try run(SignedHeader.self)
        case .validatorSetChange: return try run(ValidatorSetChange.self)
        case .readingProof: return try run(ReadingProof.self)
        case .stateProof: return try run(StateProof.self)
        case .consensusParams: return try run(ConsensusParams.self)
        case .validatorRecord: return try run(ValidatorRecord.self)
        case .validatorProposal: return try run(ValidatorProposal.self)
        case .validatorSchedule: return try run(ValidatorSchedule.self)
        case .hmacReading: return try run(HMACReading.self)
        }
    }

    @Test(arguments: file.vectors.map(\.name))
    func vector(_ name: String) throws {
        let vector = Self.named(name)
        let type = try #require(ObjectType(rawValue: vector.typeTag))
        #expect("\(type)" == vector.type)
        let bytes = try #require(Hex.decode(vector.encoded))
        let (encoded, _) = try decode(bytes, as: type)
        #expect(encoded == bytes)
        #expect(SHA256Hasher.hash(bytes).hex == vector.sha256)
        let value = try CBORReader.decode(bytes)
        #expect(ObjectVector.diagnostic(value) == vector.diagnostic)
        #expect(vector.fields.map(\.key) == value.mapEntries!.map { $0.key.int64! })
        for field in vector.fields {
            #expect(ObjectVector.diagnostic(value[.int(field.key)]!) == field.value, "field \(field.name)")
        }
        #expect(vector.fields.first?.value == "\(vector.typeTag)")

        if let signed = vector.signed {
            let key = try COSEKey.decode(try #require(Hex.decode(signed.coseKey)))
            #expect(key.algorithm.rawValue == signed.algorithm)
            #expect(key.address.hex == signed.address)
            let envelope = try #require(Hex.decode(signed.coseSign1))
            let chain = try ChainID(Self.file.chainID)
            switch type {
            case .reading: try check(Signed<Reading>(decoding: envelope, chain: chain), key, bytes)
            case .readingBatch: try check(Signed<ReadingBatch>(decoding: envelope, chain: chain), key, bytes)
            case .transaction: try check(Signed<Transaction>(decoding: envelope, chain: chain), key, bytes)
            case .vote: try check(Signed<Vote>(decoding: envelope, chain: chain), key, bytes)
            case .proposal: try check(Signed<Proposal>(decoding: envelope, chain: chain), key, bytes)
            default: Issue.record("\(type) is not a signed object")
            }
        }

        if let leaves = vector.readingLeaves {
            let batch = try ReadingBatch.decode(bytes)
            #expect(batch.readings.map { Hex.encode($0.encoded) } == leaves)
            for leaf in leaves {
                let reading = try Reading.decode(try #require(Hex.decode(leaf)))
                #expect(reading.chainID == batch.chainID && reading.device == batch.device)
            }
        }

        if let setName = vector.verifiesWith {
            let commit = try Commit.decode(bytes)
            let set = try ValidatorSet.decode(try #require(Hex.decode(Self.named(setName).encoded)))
            #expect(try commit.verify(validators: set) == vector.signedPower)
        }
    }

    func check<T: SignedObject>(_ signed: Signed<T>, _ key: PublicKey, _ payload: [UInt8]) throws {
        #expect(signed.envelope.payload == payload)
        #expect(signed.object.signer == key.address)
        #expect(signed.envelope.keyID == nil || signed.envelope.keyID == key.address.bytes)
        try signed.verify(with: key)
    }

    /// The vectors form one chain: genesis → block 1 → its commit → block 2.
    @Test func theChainLinksUp() throws {
        let set = try ValidatorSet.decode(Hex.decode(Self.named("validator-set-4").encoded)!)
        let genesis = try Genesis.decode(Hex.decode(Self.named("genesis").encoded)!)
        let header1 = try BlockHeader.decode(Hex.decode(Self.named("block-header-1").encoded)!)
        let commit = try Commit.decode(Hex.decode(Self.named("commit-4").encoded)!)
        let block2 = try Block.decode(Hex.decode(Self.named("block-2").encoded)!)
        #expect(genesis.validators == set)
        #expect(header1.validatorsHash == set.hash && header1.height == 1 && header1.previousBlockID == .zero)
        #expect(commit.blockID == header1.blockID && commit.height == 1)
        #expect(block2.header.previousBlockID == header1.blockID)
        #expect(block2.header.lastCommitHash == commit.hash)
        #expect(block2.lastCommit == commit)
        #expect(try Block.decode(Hex.decode(Self.named("block-1").encoded)!).header == header1)
        let envelopes = ["reading-inline-float", "reading-batch-3", "transaction"].map { Hex.decode(Self.named($0).signed!.coseSign1)! }
        #expect(block2.transactions == envelopes)
        let proposal = try Proposal.decode(Hex.decode(Self.named("proposal").encoded)!)
        #expect(proposal.blockID == header1.blockID)
    }
}
