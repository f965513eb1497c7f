import FogCore
import FogCrypto
import FogTestKit
import FogTypes
import Testing

/// Fixed keys and sample objects shared by the FogTypes tests.
enum Fixtures {
    static let chain = try! ChainID("fogledger-test")
    static let otherChain = try! ChainID("fogledger-other")

    /// A key with a fixed seed: `tag`, then 31 counting bytes (a valid P-256 scalar for any tag).
    static func key(_ algorithm: SignatureAlgorithm, _ tag: UInt8 = 1) -> PrivateKey {
        let seed = [tag] + (1...31).map { UInt8($0) }
        return try! PrivateKey(algorithm: algorithm, seed: seed)
    }

    /// Keys by algorithm for the common tags, created once (ML-DSA-65 key generation is the slow one).
    static let keys: [SignatureAlgorithm: [PrivateKey]] = Dictionary(uniqueKeysWithValues: SignatureAlgorithm.allCases.map { algorithm in
        (algorithm, (1...4).map { key(algorithm, UInt8($0)) })
    })

    static func signer(_ algorithm: SignatureAlgorithm, _ index: Int = 0) -> PrivateKey { keys[algorithm]![index] }

    static let hashA = SHA256Hasher.hash(Array("payload A".utf8))
    static let hashB = SHA256Hasher.hash(Array("payload B".utf8))

    static func reading(device: Address, seq: UInt64 = 1, content: ReadingContent = .inline(.float(21.5)),
                        chain: ChainID = chain) throws -> Reading {
        try Reading(chainID: chain, device: device, sequence: seq, timeMillis: 1_700_000_000_000 + seq % 1_000, content: content)
    }

    static func batch(device: Address, count: Int = 3) throws -> ReadingBatch {
        var readings: [Reading] = []
        for index in 0..<count {
            let content: ReadingContent = index % 2 == 0
                ? .inline(CBORValue.int(Int64(index) - 1)) : .payload(hash: hashA, mediaType: "application/cbor")
            readings.append(try reading(device: device, seq: UInt64(10 + index), content: content))
        }
        return try ReadingBatch(chainID: chain, device: device, readings: readings)
    }

    static func transaction(signer: Address, nonce: UInt64 = 7) throws -> Transaction {
        try Transaction(chainID: chain, signer: signer, nonce: nonce, kind: TransactionKind(rawValue: 3),
                        body: .map([CBORMapEntry(.int(2), .int(1_000)), CBORMapEntry(.int(1), .bytes([UInt8](repeating: 0x42, count: 20)))]))
    }

    static func vote(validator: Address, step: VoteStep = .precommit, height: UInt64 = 5, round: UInt64 = 0,
                     block: Hash256? = hashA) throws -> Vote {
        try Vote(chainID: chain, step: step, height: height, round: round, blockID: block, validator: validator)
    }

    static func proposal(proposer: Address, polRound: Int64 = -1) throws -> Proposal {
        try Proposal(chainID: chain, height: 5, round: 2, polRound: polRound, blockID: hashA, proposer: proposer)
    }

    static func header(height: UInt64 = 1, proposer: Address = signer(.ed25519).publicKey.address) throws -> BlockHeader {
        try BlockHeader(chainID: chain, height: height, timeMillis: 1_700_000_000_000, previousBlockID: height == 1 ? .zero : hashA,
                        lastCommitHash: height == 1 ? .zero : hashB, transactionsRoot: SHA256Hasher.hash([1]),
                        readingsRoot: SHA256Hasher.hash([2]), stateRoot: SHA256Hasher.hash([3]),
                        validatorsHash: SHA256Hasher.hash([4]), nextValidatorsHash: SHA256Hasher.hash([5]), proposer: proposer)
    }

    /// `count` validators with the given algorithms (cycled) and powers (cycled), keys from `keys`.
    static func validatorSet(_ algorithms: [SignatureAlgorithm] = [.ed25519], count: Int = 4, powers: [UInt64] = [1]) throws
        -> (set: ValidatorSet, keys: [PrivateKey]) {
        var privateKeys: [PrivateKey] = []
        var validators: [Validator] = []
        for index in 0..<count {
            let algorithm = algorithms[index % algorithms.count]
            let key = index / algorithms.count < 4 ? signer(algorithm, index / algorithms.count) : self.key(algorithm, UInt8(100 + index))
            privateKeys.append(key)
            validators.append(try Validator(publicKey: key.publicKey, power: powers[index % powers.count]))
        }
        return (try ValidatorSet(validators), privateKeys)
    }

    /// Signed precommits by `keys` for `block` at height 5, round 0.
    static func precommits(_ keys: [PrivateKey], block: Hash256 = hashA, height: UInt64 = 5, round: UInt64 = 0)
        throws -> [Signed<Vote>] {
        try keys.map { key in
            try Signed.sign(try vote(validator: key.publicKey.address, height: height, round: round, block: block), with: key)
        }
    }

    static func commit(_ keys: [PrivateKey], block: Hash256 = hashA, height: UInt64 = 5) throws -> Commit {
        try Commit(precommits: try precommits(keys, block: block, height: height))
    }

    static func genesis() throws -> Genesis {
        let (set, _) = try validatorSet([.ed25519, .p256, .mldsa65], count: 3, powers: [10, 5, 1])
        return try Genesis(chainID: chain, timeMillis: 1_700_000_000_000, consensus: .poa, validators: set, accounts: [
            GenesisAccount(publicKey: signer(.ed25519, 3).publicKey, balance: 1_000_000),
            GenesisAccount(publicKey: signer(.p256, 3).publicKey, balance: 0),
            GenesisAccount(publicKey: signer(.mldsa65, 3).publicKey, balance: .max),
        ])
    }
}

/// Expects `body` to throw an `ObjectError` with `code`.
func expectObjectError(_ code: ObjectError.Code, _ comment: Comment? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected \(code), but nothing was thrown \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
    } catch let error as ObjectError {
        #expect(error.code == code, "\(error) \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected ObjectError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

extension CBORValue {
    /// This map with `key` set to `value` (added or replaced).
    func setting(_ key: Int64, _ value: CBORValue) -> CBORValue {
        var entries = mapEntries!.filter { $0.key != .int(key) }
        entries.append(CBORMapEntry(.int(key), value))
        return .map(entries)
    }

    /// This map without `key`.
    func removing(_ key: Int64) -> CBORValue {
        .map(mapEntries!.filter { $0.key != .int(key) })
    }

    /// The value under integer `key` of this map.
    func field(_ key: Int64) -> CBORValue { self[.int(key)]! }
}
