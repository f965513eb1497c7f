import FogCore
public import FogCrypto
import FogMerkle
public import FogTypes

/// An in-memory chain for light-client tests and vectors: a genesis, blocks whose headers carry real readings
/// and state roots, commits signed by the validators, and validator-set changes where asked.
public struct LightChainFixture: Sendable {
    /// One committed block and what is needed to prove things in it.
    public struct Block: Sendable {
        /// The header with its commit.
        public var signedHeader: SignedHeader
        /// The readings the block commits, in leaf order.
        public var readings: [Reading]
        /// The state root after the block.
        public var stateRoot: Hash256
        /// The state records after the block, by key (for lookup only; never iterated).
        public var records: [Hash256: [UInt8]]
    }

    /// The genesis time of every fixture chain.
    public static let genesisTime: UInt64 = 1_767_225_600_000

    /// The chain id.
    public let chainID: ChainID
    /// The genesis.
    public let genesis: Genesis
    /// The keys of the validators that sign the next block.
    public private(set) var keys: [PrivateKey]
    /// The validator set that signs the next block.
    public private(set) var validators: ValidatorSet
    /// The committed blocks; `blocks[h - 1]` is height h.
    public private(set) var blocks: [Block] = []
    /// Every validator-set change so far, in height order.
    public private(set) var changes: [ValidatorSetChange] = []
    private var store = InMemorySparseMerkleNodeStore()
    private var records: [Hash256: [UInt8]] = [:]

    /// A key with a fixed seed: `tag`, then 31 counting bytes.
    public static func key(_ algorithm: SignatureAlgorithm, _ tag: UInt8) -> PrivateKey {
        try! PrivateKey(algorithm: algorithm, seed: [tag] + (1...31).map { UInt8($0) })
    }

    /// A set of `keys` with `powers` (cycled).
    public static func validatorSet(_ keys: [PrivateKey], powers: [UInt64]) -> ValidatorSet {
        try! ValidatorSet(keys.indices.map { try! Validator(publicKey: keys[$0].publicKey, power: powers[$0 % powers.count]) })
    }

    /// A chain with `keys` (powers cycled) as genesis validators.
    public init(chain: String = "fogledger-light", keys: [PrivateKey], powers: [UInt64] = [1]) {
        chainID = try! ChainID(chain)
        self.keys = keys
        validators = Self.validatorSet(keys, powers: powers)
        genesis = try! Genesis(chainID: chainID, timeMillis: Self.genesisTime, consensus: .poa, validators: validators,
                               accounts: [GenesisAccount(publicKey: Self.key(.ed25519, 200).publicKey, balance: 1_000)])
    }

    /// The height of the last block (0 before the first).
    public var height: UInt64 { UInt64(blocks.count) }

    /// `count` readings of a device for the next block.
    public func readings(count: Int, device: UInt8 = 1, firstSequence: UInt64 = 1) -> [Reading] {
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
    public mutating func commit(readings: [Reading] = [], state: [(key: Hash256, record: [UInt8]?)] = [],
                         next: (keys: [PrivateKey], powers: [UInt64])? = nil, signers: [Int]? = nil) -> Block {
        let height = self.height + 1
        let previous = blocks.last
        for write in state { records[write.key] = write.record }
        let previousRoot = previous?.stateRoot ?? SparseMerkleTree.emptyRoot
        let update = try! SparseMerkleTree.update(
            root: previousRoot, rootVersion: height - 1,
            changes: state.map { ($0.key, $0.record.map { SHA256Hasher.hash($0) }) }, version: height, in: store)
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
    public static func commit(_ header: BlockHeader, signedBy keys: [PrivateKey], round: UInt64 = 0) -> Commit {
        let precommits = keys.map { key in
            try! Signed.sign(try! Vote(chainID: header.chainID, step: .precommit, height: header.height, round: round,
                                       blockID: header.blockID, validator: key.publicKey.address), with: key)
        }
        return try! Commit(precommits: precommits)
    }

    /// The changes a verifier needs to trust the signers of `height`.
    public func history(below height: UInt64) -> [ValidatorSetChange] {
        changes.filter { $0.signedHeader.header.height < height }
    }

    /// The changes ``ValidatorHistoryRoute`` steps through for a proof of block `height`.
    public func routedHistory(to height: UInt64) -> [ValidatorSetChange] {
        let below = history(below: height)
        let steps = ValidatorHistoryRoute.steps(
            genesis: genesis.validators, changeCount: below.count, target: blocks[Int(height) - 1].signedHeader.commit,
            commit: { below[$0].signedHeader.commit }, nextSet: { below[$0].nextValidators })
        return steps.map { below[$0] }
    }

    /// The proof of reading `index` of block `height`, with `history` (every change below it by default).
    public func readingProof(height: UInt64, index: Int, history: [ValidatorSetChange]? = nil) -> ReadingProof {
        let block = blocks[Int(height) - 1]
        let inclusion = try! MerkleTree.inclusionProof(
            index: index, leafHashes: block.readings.map { MerkleTree.leafHash($0.encoded) })
        return try! ReadingProof(chainID: chainID, genesisHash: genesis.hash, history: history ?? self.history(below: height),
                                 signedHeader: block.signedHeader, reading: block.readings[index], inclusion: inclusion)
    }

    /// The proof of `key` in the state after block `height`.
    public func stateProof(height: UInt64, key: Hash256) -> StateProof {
        let block = blocks[Int(height) - 1]
        let proof = try! SparseMerkleTree.proof(for: key, root: block.stateRoot, version: height, in: store)
        return try! StateProof(chainID: chainID, genesisHash: genesis.hash, history: history(below: height),
                               signedHeader: block.signedHeader, key: key, record: block.records[key], proof: proof)
    }

    /// A state key as the execution layer derives them: SHA-256(domain ‖ name).
    public static func stateKey(_ name: String) -> Hash256 {
        SHA256Hasher.hash(Array("test-domain".utf8) + Array(name.utf8))
    }
}
