import FogCore
import FogCrypto
import FogTestKit
import FogTypes

/// Writes `objects.json`: a small coherent chain (genesis, two blocks, the commit between them) and
/// every signed object kind, each with its canonical encoding.
enum ObjectVectors {
    static let chain = try! ChainID("fogledger-vectors")
    static let genesisTime: UInt64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z

    /// The field names of each object type, by key (spec/encoding.md §2).
    static let fieldNames: [ObjectType: [Int64: String]] = [
        .reading: [0: "type", 1: "chain", 2: "device", 3: "seq", 4: "time", 5: "value", 6: "payloadHash", 7: "mediaType",
                   9: "gateway"],
        .readingBatch: [0: "type", 1: "chain", 2: "device", 8: "readings"],
        .transaction: [0: "type", 1: "chain", 2: "signer", 3: "nonce", 4: "kind", 5: "body"],
        .proposal: [0: "type", 1: "chain", 2: "height", 3: "round", 4: "polRound", 5: "block", 6: "proposer"],
        .vote: [0: "type", 1: "chain", 2: "step", 3: "height", 4: "round", 5: "block", 6: "validator"],
        .blockHeader: [0: "type", 1: "chain", 2: "height", 3: "time", 4: "previous", 5: "lastCommit", 6: "transactionsRoot",
                       7: "readingsRoot", 8: "stateRoot", 9: "validatorsHash", 10: "nextValidatorsHash", 11: "proposer"],
        .block: [0: "type", 1: "header", 2: "transactions", 3: "lastCommit"],
        .commit: [0: "type", 1: "chain", 2: "height", 3: "round", 4: "block", 5: "signatures"],
        .validatorSet: [0: "type", 1: "validators"],
        .genesis: [0: "type", 1: "chain", 2: "time", 3: "consensus", 4: "validators", 5: "accounts"],
        .accountRecord: [0: "type", 1: "key", 2: "nonce", 3: "balance"],
        .deviceRecord: [0: "type", 1: "key", 2: "owner", 3: "deviceType", 4: "metadata", 5: "status", 6: "lastSeq",
                        7: "registeredAt", 8: "nonce", 9: "gateway"],
        .receipt: [0: "type", 1: "txID", 2: "height", 3: "code"],
        .consensusParams: [0: "type", 1: "epochLength", 2: "maxValidators", 3: "unbondingPeriod", 4: "slashBasisPoints",
                           5: "minSelfBond", 6: "maxEvidenceAge", 7: "proposalLifetime"],
        .validatorRecord: [0: "type", 1: "key", 2: "operator", 3: "jailed", 4: "stakes"],
        .validatorProposal: [0: "type", 1: "key", 2: "power", 3: "operator", 4: "proposedAt", 5: "approvals"],
        .validatorSchedule: [0: "type", 1: "candidates", 2: "setHeights", 3: "unbonding", 4: "mode"],
        .hmacReading: [0: "type", 1: "chain", 2: "device", 3: "seq", 4: "time", 5: "value", 6: "payloadHash", 7: "mediaType"],
    ]

    static func vector<T: CanonicalObject>(_ name: String, _ object: T, _ comment: String) -> ObjectVector {
        let value = try! CBORReader.decode(object.encoded)
        let names = fieldNames[T.objectType]!
        let fields = value.mapEntries!.map { entry in
            ObjectFieldVector(key: entry.key.int64!, name: names[entry.key.int64!]!, value: ObjectVector.diagnostic(entry.value))
        }
        return ObjectVector(name: name, type: "\(T.objectType)", typeTag: T.objectType.rawValue, comment: comment, fields: fields,
                            diagnostic: ObjectVector.diagnostic(value), encoded: Hex.encode(object.encoded), sha256: object.hash.hex)
    }

    static func signedVector<T: SignedObject>(_ name: String, _ object: T, _ key: PrivateKey, _ comment: String)
        -> (vector: ObjectVector, envelope: [UInt8]) {
        let signed = try! Signed.sign(object, with: key)
        var result = vector(name, object, comment)
        result.signed = SignedObjectVector(algorithm: key.algorithm.rawValue, coseKey: Hex.encode(COSEKey.encode(key.publicKey)),
                                           address: key.publicKey.address.hex, coseSign1: Hex.encode(signed.bytes))
        return (result, signed.bytes)
    }

    static func placeholder(_ label: String) -> Hash256 {
        SHA256Hasher.hash(Array("placeholder \(label)".utf8))
    }

    static func make() -> ObjectVectorFile {
        let validatorKeys = [VectorKeys.ed25519, VectorKeys.p256, VectorKeys.mldsa65, VectorKeys.labelled(.ed25519, "validator-4")]
        let set = try! ValidatorSet(validatorKeys.map { try! Validator(publicKey: $0.publicKey, power: 1) })
        let deviceEd = VectorKeys.labelled(.ed25519, "device-1")
        let deviceP256 = VectorKeys.labelled(.p256, "device-2")
        let deviceMLDSA = VectorKeys.labelled(.mldsa65, "device-3")
        let account = VectorKeys.labelled(.p256, "account-1")

        let genesis = try! Genesis(chainID: chain, timeMillis: genesisTime, consensus: .poa, validators: set, accounts: [
            GenesisAccount(publicKey: account.publicKey, balance: 1_000_000),
            GenesisAccount(publicKey: deviceEd.publicKey, balance: 500),
        ])
        let header1 = try! BlockHeader(
            chainID: chain, height: 1, timeMillis: genesisTime + 1_000, previousBlockID: .zero, lastCommitHash: .zero,
            transactionsRoot: placeholder("transactions 1"), readingsRoot: placeholder("readings 1"), stateRoot: placeholder("state 1"),
            validatorsHash: set.hash, nextValidatorsHash: set.hash, proposer: set.validators[0].address)
        let block1 = try! Block(header: header1, transactions: [], lastCommit: nil)
        func precommits(_ keys: [PrivateKey]) -> [Signed<Vote>] {
            keys.map { key in
                try! Signed.sign(try! Vote(chainID: chain, step: .precommit, height: 1, round: 0, blockID: header1.blockID,
                                           validator: key.publicKey.address), with: key)
            }
        }
        let commit = try! Commit(precommits: precommits(validatorKeys))
        let commit3 = try! Commit(precommits: precommits(Array(validatorKeys.prefix(3))))

        let readingEd = try! Reading(chainID: chain, device: deviceEd.publicKey.address, sequence: 1, timeMillis: genesisTime + 1_500,
                                     content: .inline(.float(21.5)))
        let readingP256 = try! Reading(chainID: chain, device: deviceP256.publicKey.address, sequence: 7, timeMillis: genesisTime + 1_600,
                                       content: .payload(hash: SHA256Hasher.hash(Array("example off-chain payload".utf8)), mediaType: "image/jpeg"))
        let readingMLDSA = try! Reading(chainID: chain, device: deviceMLDSA.publicKey.address, sequence: 1, timeMillis: genesisTime + 1_700,
                                        content: .inline(.map([CBORMapEntry(.text("t"), .float(4.5)), CBORMapEntry(.text("rh"), .int(61))])))
        let batchReadings = [
            try! Reading(chainID: chain, device: deviceEd.publicKey.address, sequence: 2, timeMillis: genesisTime + 2_000, content: .inline(.int(21))),
            try! Reading(chainID: chain, device: deviceEd.publicKey.address, sequence: 3, timeMillis: genesisTime + 3_000,
                         content: .payload(hash: SHA256Hasher.hash(Array("sample 3".utf8)), mediaType: "application/cbor")),
            try! Reading(chainID: chain, device: deviceEd.publicKey.address, sequence: 4, timeMillis: genesisTime + 4_000, content: .inline(.float(-3.25))),
        ]
        let batch = try! ReadingBatch(chainID: chain, device: deviceEd.publicKey.address, readings: batchReadings)
        let transaction = try! Transaction(chainID: chain, signer: account.publicKey.address, nonce: 1, kind: TransactionKind(rawValue: 1),
                                           body: .map([CBORMapEntry(.int(1), .bytes(deviceEd.publicKey.address.bytes)), CBORMapEntry(.int(2), .int(250))]))

        let signedReadingEd = signedVector("reading-inline-float", readingEd, deviceEd,
                                           "A reading with the inline value 21.5 (a half-precision float), signed with Ed25519.")
        let signedReadingP256 = signedVector("reading-payload-hash", readingP256, deviceP256,
                                             "A reading of an off-chain payload: its SHA-256 and media type; signed with P-256.")
        let signedReadingMLDSA = signedVector("reading-inline-map", readingMLDSA, deviceMLDSA,
                                              "A reading whose inline value is a map; signed with ML-DSA-65.")
        var signedBatch = signedVector("reading-batch-3", batch, deviceEd,
                                       "Three readings of one device under one Ed25519 signature; readingLeaves are the full Reading records the entries become.")
        signedBatch.vector.readingLeaves = batch.readings.map { Hex.encode($0.encoded) }
        let signedTransaction = signedVector("transaction", transaction, account,
                                             "An account transaction, signed with P-256 (kind 1 and its body are an example; kinds are defined by the execution layer).")
        let vote = signedVector("vote-precommit", try! Vote(chainID: chain, step: .precommit, height: 1, round: 0, blockID: header1.blockID,
                                                            validator: VectorKeys.p256.publicKey.address), VectorKeys.p256,
                                "A precommit for block 1, signed with P-256.")
        let nilVote = signedVector("vote-prevote-nil", try! Vote(chainID: chain, step: .prevote, height: 2, round: 1, blockID: nil,
                                                                 validator: VectorKeys.ed25519.publicKey.address), VectorKeys.ed25519,
                                   "A prevote for nil (block null), signed with Ed25519.")
        let proposal = signedVector("proposal", try! Proposal(chainID: chain, height: 1, round: 0, polRound: -1, blockID: header1.blockID,
                                                              proposer: VectorKeys.mldsa65.publicKey.address), VectorKeys.mldsa65,
                                    "A proposal of block 1 in round 0 with no proof-of-lock round (-1), signed with ML-DSA-65.")

        let header2 = try! BlockHeader(
            chainID: chain, height: 2, timeMillis: genesisTime + 5_000, previousBlockID: header1.blockID, lastCommitHash: commit.hash,
            transactionsRoot: placeholder("transactions 2"), readingsRoot: placeholder("readings 2"), stateRoot: placeholder("state 2"),
            validatorsHash: set.hash, nextValidatorsHash: set.hash, proposer: set.validators[1].address)
        let block2 = try! Block(header: header2, transactions: [signedReadingEd.envelope, signedBatch.envelope, signedTransaction.envelope],
                                lastCommit: commit)

        var commitVector = vector("commit-4", commit, "The commit of block 1: precommit signatures of all four validators, sorted by address.")
        commitVector.verifiesWith = "validator-set-4"
        commitVector.signedPower = try! commit.verify(validators: set)
        var commit3Vector = vector("commit-3-of-4", commit3, "A commit of block 1 by three of the four validators: 3 of 4 power is more than 2/3.")
        commit3Vector.verifiesWith = "validator-set-4"
        commit3Vector.signedPower = try! commit3.verify(validators: set)

        return ObjectVectorFile(
            description: "FogLedger objects (spec/encoding.md §2): for each, its fields and whole value in CBOR diagnostic notation, its canonical deterministic-CBOR encoding and SHA-256, and for signed objects the signer's COSE_Key and one valid COSE_Sign1 (signatures may be randomised: verify them, never compare them). The objects form one small chain: genesis, block 1, the commit of block 1, block 2 carrying that commit and three envelopes. Roots marked placeholder are SHA-256 of a label, not real Merkle roots. Byte strings are lowercase hex.",
            chainID: chain.value,
            vectors: [
                signedReadingEd.vector, signedReadingP256.vector, signedReadingMLDSA.vector, signedBatch.vector, signedTransaction.vector,
                vote.vector, nilVote.vector, proposal.vector,
                vector("validator-set-4", set, "Four validators of power 1 (Ed25519, P-256, ML-DSA-65, Ed25519), sorted by address."),
                vector("genesis", genesis, "A PoA genesis with the four validators and two funded accounts, sorted by address."),
                vector("block-header-1", header1, "The header of block 1; its SHA-256 is the block id the commit and votes name."),
                vector("block-1", block1, "Block 1: no transactions, no previous commit."),
                commitVector, commit3Vector,
                vector("block-header-2", header2, "The header of block 2: previous = block 1's id, lastCommit = the commit's SHA-256."),
                vector("block-2", block2, "Block 2 carrying the reading, batch and transaction envelopes above and the commit of block 1."),
                vector("account-record", AccountRecord(publicKey: account.publicKey, nonce: 2, balance: 750),
                       "The state record of account-1 after its transaction of nonce 1 (spec/state.md)."),
                vector("device-record", try! DeviceRecord(
                    publicKey: deviceEd.publicKey, owner: account.publicKey.address, deviceType: "thermometer",
                    metadata: .map([CBORMapEntry(.text("site"), .text("dock-4"))]), status: .active, lastSequence: 4,
                    registeredAt: 1, nonce: 0),
                       "The state record of device-1 (Ed25519) after the batch of block 2: active, last seq 4 (spec/state.md)."),
                vector("receipt", try! Receipt(transactionID: transaction.hash, height: 2, code: "ok"),
                       "The receipt of the transaction in block 2: its id is the payload hash (spec/state.md)."),
                vector("consensus-params", ConsensusParams.default,
                       "The default consensus parameters (spec/encoding.md §2.19); a genesis with these omits key 6."),
                vector("validator-record", try! ValidatorRecord(
                    publicKey: validatorKeys[0].publicKey, operatorAccount: account.publicKey.address, jailed: false,
                    stakes: [Stake(delegator: validatorKeys[0].publicKey.address, amount: 40),
                             Stake(delegator: account.publicKey.address, amount: 25)].sorted { $0.delegator < $1.delegator }),
                       "A DPoS validator operated by account-1: a self-bond of 40 and 25 delegated by account-1, sorted by delegator."),
                vector("validator-proposal", try! ValidatorProposal(
                    change: ValidatorChange(publicKey: deviceP256.publicKey, power: 2, operatorAccount: account.publicKey.address),
                    proposedAt: 2, approvals: [validatorKeys[1].publicKey.address]),
                       "A PoA proposal made at height 2 to add a validator of power 2, approved by its proposer so far."),
                vector("validator-schedule", try! ValidatorSchedule(
                    mode: .dpos, candidates: validatorKeys.map(\.publicKey.address).sorted(), setHeights: [1, 9],
                    unbonding: [UnbondingEntry(maturity: 1_002, account: account.publicKey.address, amount: 25)]),
                       "A DPoS schedule: four candidates, a new set from height 9, 25 tokens returning to account-1 at height 1002."),
            ] + gatewayModeVectors(account: account.publicKey.address))
    }

    /// Gateway mode (spec/encoding.md §2.21): an attested reading, an attested device's record, and
    /// the off-chain HMAC reading a device sends its gateway.
    static func gatewayModeVectors(account: Address) -> [ObjectVector] {
        let meter = VectorKeys.labelled(.ed25519, "attested-device-1").publicKey
        let gateway = VectorKeys.labelled(.ed25519, "gateway-1").publicKey.address
        let reading = try! Reading(chainID: chain, device: meter.address, sequence: 3, timeMillis: genesisTime + 6_000,
                                   content: .inline(.int(1_234)))
        let attested = try! Reading(chainID: chain, device: meter.address, sequence: 3, timeMillis: genesisTime + 6_000,
                                    content: .inline(.int(1_234)), attestingGateway: gateway)
        return [
            vector("reading-attested", attested,
                   "A reading gateway-1 attested for a device that cannot sign (key 9: the gateway); it is committed in an attest-readings transaction, never signed alone."),
            vector("device-record-attested", try! DeviceRecord(
                publicKey: meter, owner: account, deviceType: "meter", metadata: .map([]), status: .active, lastSequence: 3,
                registeredAt: 2, nonce: 0, attestingGateway: gateway),
                   "The record of a device registered with register-attested-device: key 9 names the gateway that may attest its readings."),
            vector("hmac-reading", try! HMACReading(reading),
                   "The payload a gateway-mode device tags with HMAC-SHA256 under the key it shares with its gateway (off-chain; the wire message is [payload, tag])."),
        ]
    }
}
