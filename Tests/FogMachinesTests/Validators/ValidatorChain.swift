import FogCore
import FogCrypto
import FogExecution
import FogTypes
import Testing

/// Chains with several validators whose operators are their own accounts, for validator tests.
enum ValidatorChain {
    /// Validator keys 40, 41, …
    static let keys = (0..<6).map { Ledger.key(40 + UInt8($0)) }
    static func address(_ index: Int) -> Address { keys[index].publicKey.address }

    /// DPoS parameters small enough to watch: epochs of 4 blocks, 2 validators, unbonding 3 blocks,
    /// 10% slashing, self-bond at least 10, evidence up to 5 blocks old, proposals live 3 blocks.
    static let params = try! ConsensusParams(epochLength: 4, maxValidators: 2, unbondingPeriod: 3, slashBasisPoints: 1_000,
                                             minSelfBond: 10, maxEvidenceAge: 5, proposalLifetime: 3)

    /// A genesis whose first `count` validator keys are validators with `power` each, every
    /// validator's account and Alice's funded with 1,000.
    static func genesis(_ mode: ConsensusMode, count: Int = 4, power: UInt64 = 1) -> Genesis {
        let set = try! ValidatorSet(keys.prefix(count).map { try! Validator(publicKey: $0.publicKey, power: power) })
        let accounts = (keys + [Ledger.alice, Ledger.bob]).map { GenesisAccount(publicKey: $0.publicKey, balance: 1_000) }
        return try! Genesis(chainID: Ledger.chain, timeMillis: 1_700_000_000_000, consensus: mode, validators: set,
                            accounts: accounts, params: params)
    }

    /// A signed vote of validator `index`.
    static func vote(_ index: Int, height: UInt64, round: UInt64 = 0, step: VoteStep = .precommit, block: UInt8?,
                     chain: ChainID = Ledger.chain, signer: PrivateKey? = nil) -> Signed<Vote> {
        let vote = try! Vote(chainID: chain, step: step, height: height, round: round,
                             blockID: block.map { SHA256Hasher.hash([$0]) }, validator: address(index))
        return try! Signed.sign(vote, with: signer ?? keys[index])
    }

    static func evidence(_ first: Signed<Vote>, _ second: Signed<Vote>) -> TransactionBody {
        .validator(.evidence(Equivocation(first: first, second: second)))
    }

    static func propose(_ key: PrivateKey, power: UInt64, by proposer: Int) -> TransactionBody {
        .validator(.propose(ValidatorChange(publicKey: key.publicKey, power: power, operatorAccount: key.publicKey.address),
                            proposer: address(proposer)))
    }

    static func approve(_ id: Hash256, by validator: Int) -> TransactionBody {
        .validator(.approve(proposal: id, validator: address(validator)))
    }

    static func proposalID(_ body: TransactionBody, height: UInt64) -> Hash256 {
        guard case .validator(let validatorBody) = body else { preconditionFailure("a validator body") }
        return validatorBody.proposalID(height: height)
    }
}

extension Ledger {
    /// Runs empty blocks until the height is `height`.
    mutating func runEmpty(until height: UInt64) throws {
        while self.height < height { try run([]) }
    }
}

extension Ledger {
    /// Writes `object` under `key` directly into the state (to reach limits without thousands of blocks).
    mutating func seed(_ key: Hash256, _ object: some CanonicalObject) throws {
        var overlay = StateOverlay(base: store)
        overlay.set(key, object.encoded)
        overlay.commitPending()
        store.apply(try overlay.diff(parentRoot: store.root, height: height))
    }
}

/// `count` distinct addresses, sorted.
func fakeAddresses(_ count: Int) -> [Address] {
    (0..<count).map { index in
        Address(bytes: [0xee] + (0..<19).map { UInt8(truncatingIfNeeded: index >> (8 * (18 - $0))) })!
    }.sorted()
}
