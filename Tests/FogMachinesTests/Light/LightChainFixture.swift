import FogCore
import FogCrypto
import FogMerkle
import FogTypes

/// An in-memory chain for light-client tests: a genesis, blocks whose headers carry real readings
/// and state roots, commits signed by the validators, and validator-set changes where asked.
struct LightChainFixture {
    /// One committed block and what is needed to prove things in it.
    struct Block {
        var signedHeader: SignedHeader
        var readings: [Reading]
        var stateRoot: Hash256
        var records: [Hash256: [UInt8]]
    }

    static let genesisTime: UInt64 = 1_767_225_600_000

    let chainID: ChainID
    let genesis: Genesis
    /// The keys of the validators that sign the next block.
    private(set) var keys: [PrivateKey]
    private(set) var validators: ValidatorSet
    private(set) var blocks: [Block] = []
    /// Every validator-set change so far, in height order.
    private(set) var changes: [ValidatorSetChange] = []
    private var store = InMemorySparseMerkleNodeStore()
    private var records: [Hash256: [UInt8]] = [:]

    /// A key with a fixed seed: `tag`, then 31 counting bytes.
    static func key(_ algorithm: SignatureAlgorithm, _ tag: UInt8) -> PrivateKey {
        try! PrivateKey(algorithm: algorithm, seed: [tag] + (1...31).map { UInt8($0) })
    }

    static func validatorSet(_ keys: [PrivateKey], powers: [UInt64]) -> ValidatorSet {
        try! ValidatorSet(keys.indices.map { try! Validator(publicKey: keys[$0].publicKey, power: powers[$0 % powers.count]) })
    }

    /// A chain with `keys` (powers cycled) as genesis validators.
    init(chain: String = "fogledger-light", keys: [PrivateKey], powers: [UInt64] = [1]) {
        chainID = try! ChainID(chain)
        self.keys = keys
        validators = Self.validatorSet(keys, powers: powers)
        genesis = try! Genesis(chainID: chainID, timeMillis: Self.genesisTime, consensus: .poa, validators: validators,
                               accounts: [GenesisAccount(publicKey: Self.key(.ed25519, 200).publicKey, balance: 1_000)])
    }

    var height: UInt64 { UInt64(blocks.count) }

    /// `count` readings of a device for the next block.
    func readings(count: Int, device: UInt8 = 1, firstSequence: UInt64 = 1) -> [Reading] {
        let address = Self.key(.ed25519, device).publicKey.address
        return (0..<count).map { index in
            try! Reading(chainID: chainID, device: address, sequence: firstSequence + UInt64(index),
                         timeMillis: Self.genesisTime + 1_000 * (height + 1) + UInt64(index),
                         content: .inline(.float(20 + Double(index % 100) / 10)))
        }
    }

    /// Commits a block with `readings` and `state` writes (record bytes, or nil to delete). When
    /// `next` is given, the header's nextValidatorsHash names that set and a change is recorded.
    /// `signers` (indices into the current keys) sign the commit; all of them by default.
    @discardableResult
    mutating func commit(readings: [Reading] = [], state: [(key: Hash256, record: [UInt8]?)] = [],
                         next: (keys: [PrivateKey], powers: [UInt64])? = nil, signers: [Int]? = nil) -> Block {
        let height = self.height + 1
        let previous = blocks.last
        for write in state { records[write.key] = write.record }
        let previousRoot = previous?.stateRoot ?? SparseMerkleTree.emptyRoot
        let update = try! SparseMerkleTree.update(
            root: previousRoot, changes: state.map { ($0.key, $0.record.map { SHA256Hasher.hash($0) }) }, in: store)
        store.insert(update)
        let nextSet = next.map { Self.validatorSet($0.keys, powers: $0.powers) } ?? validators
        let header = try! BlockHeader(
            chainID: chainID, height: height, timeMillis: Self.genesisTime + 1_000 * height,
            previousBlockID: previous?.signedHeader.header.blockID ?? .zero,
            lastCommitHash: previous?.signedHeader.commit.hash ?? .zero,
            transactionsRoot: MerkleTree.emptyRoot,
            readingsRoot: MerkleTree.root(leafHashes: readings.map { MerkleTree.leafHash($0.encoded) }),
            stateRoot: update.root, validatorsHash: validators.hash, nextValidatorsHash: nextSet.hash,
            proposer: keys[0].publicKey.address)
        let signing = (signers ?? Array(keys.indices)).map { keys[$0] }
        let commit = Self.commit(header, signedBy: signing)
        let block = Block(signedHeader: SignedHeader(header: header, commit: commit), readings: readings,
                          stateRoot: update.root, records: records)
        blocks.append(block)
        if let next {
            changes.append(ValidatorSetChange(signedHeader: block.signedHeader, nextValidators: nextSet))
            keys = next.keys
            validators = nextSet
        }
        return block
    }

    /// A commit of `header` signed by `keys`.
    static func commit(_ header: BlockHeader, signedBy keys: [PrivateKey], round: UInt64 = 0) -> Commit {
        let precommits = keys.map { key in
            try! Signed.sign(try! Vote(chainID: header.chainID, step: .precommit, height: header.height, round: round,
                                       blockID: header.blockID, validator: key.publicKey.address), with: key)
        }
        return try! Commit(precommits: precommits)
    }

    /// The changes a verifier needs to trust the signers of `height`.
    func history(below height: UInt64) -> [ValidatorSetChange] {
        changes.filter { $0.signedHeader.header.height < height }
    }

    /// The proof of reading `index` of block `height`.
    func readingProof(height: UInt64, index: Int) -> ReadingProof {
        let block = blocks[Int(height) - 1]
        let inclusion = try! MerkleTree.inclusionProof(
            index: index, leafHashes: block.readings.map { MerkleTree.leafHash($0.encoded) })
        return try! ReadingProof(chainID: chainID, genesisHash: genesis.hash, history: history(below: height),
                                 signedHeader: block.signedHeader, reading: block.readings[index], inclusion: inclusion)
    }

    /// The proof of `key` in the state after block `height`.
    func stateProof(height: UInt64, key: Hash256) -> StateProof {
        let block = blocks[Int(height) - 1]
        let proof = try! SparseMerkleTree.proof(for: key, root: block.stateRoot, in: store)
        return try! StateProof(chainID: chainID, genesisHash: genesis.hash, history: history(below: height),
                               signedHeader: block.signedHeader, key: key, record: block.records[key], proof: proof)
    }

    /// A state key as the execution layer derives them: SHA-256(domain ‖ name).
    static func stateKey(_ name: String) -> Hash256 {
        SHA256Hasher.hash(Array("test-domain".utf8) + Array(name.utf8))
    }
}

extension LightChainFixture {
    /// A 4-validator chain of mixed algorithms (powers 3, 2, 2, 1) whose set changes at height 3
    /// (validator 4 leaves, a P-256 validator joins, powers change), with 6 blocks of 8 readings and
    /// some state in each.
    static let mixed: LightChainFixture = {
        let genesisKeys = [key(.ed25519, 1), key(.p256, 2), key(.mldsa65, 3), key(.ed25519, 4)]
        var chain = LightChainFixture(keys: genesisKeys, powers: [3, 2, 2, 1])
        let nextKeys = [genesisKeys[0], genesisKeys[1], genesisKeys[2], key(.p256, 5)]
        for height in 1...6 {
            let readings = chain.readings(count: 8, device: UInt8(10 + height % 2), firstSequence: UInt64(height * 100))
            let state: [(key: Hash256, record: [UInt8]?)] = [
                (stateKey("device-\(height)"), Array("record of device \(height)".utf8)),
                (stateKey("balance"), Array("balance \(height * 10)".utf8)),
            ]
            chain.commit(readings: readings, state: state, next: height == 3 ? (nextKeys, [1, 1, 1, 2]) : nil)
        }
        return chain
    }()
}
