import FogConsensus
import FogCore
import FogCrypto
import FogTypes

/// Four validators (or given powers), their keys, and helpers to sign what they would send.
struct ConsensusFixture {
    let chain = try! ChainID("fog-consensus-test")
    let keys: [PrivateKey]
    let validators: ValidatorSet

    init(powers: [UInt64] = [1, 1, 1, 1], seed: UInt64 = 7) {
        var random = SplitMix64(seed: seed)
        let keys = powers.map { _ in PrivateKey.generate(.ed25519, using: &random) }
        validators = try! ValidatorSet(zip(keys, powers).map { try! Validator(publicKey: $0.publicKey, power: $1) })
        // Index validators in the set's (address) order.
        self.keys = validators.validators.map { validator in keys.first { $0.publicKey.address == validator.address }! }
    }

    var rotation: ProposerRotation { ProposerRotation(validators: validators) }

    func address(_ index: Int) -> Address { keys[index].publicKey.address }

    /// The index of round `round`'s proposer at the first height.
    func proposer(round: UInt64) -> Int {
        let address = rotation.proposer(round: round).address
        return keys.firstIndex { $0.publicKey.address == address }!
    }

    /// A machine for validator `index`, started at height 1.
    func machine(_ index: Int, signedBefore: [OwnMessage] = []) -> (ConsensusMachine, [ConsensusAction]) {
        var machine = ConsensusMachine(chainID: chain, key: keys[index])
        let actions = machine.handle(.startHeight(HeightStart(height: 1, rotation: rotation, signedBefore: signedBefore)))
        return (machine, actions)
    }

    /// A distinct block at height 1 (its content is arbitrary; validity is the application's answer).
    func block(_ tag: UInt8, proposer: Int) -> Block {
        let root = SHA256Hasher.hash([tag])
        let header = try! BlockHeader(chainID: chain, height: 1, timeMillis: 1_000 + UInt64(tag), previousBlockID: .zero,
                                      lastCommitHash: .zero, transactionsRoot: root, readingsRoot: root, stateRoot: root,
                                      validatorsHash: validators.hash, nextValidatorsHash: validators.hash,
                                      proposer: address(proposer))
        return try! Block(header: header, transactions: [], lastCommit: nil)
    }

    func proposal(_ block: Block, round: UInt64, polRound: Int64 = -1, by index: Int) -> Signed<Proposal> {
        try! Signed.sign(try! Proposal(chainID: chain, height: 1, round: round, polRound: polRound,
                                       blockID: block.header.blockID, proposer: address(index)), with: keys[index])
    }

    func vote(_ step: VoteStep, _ block: Block?, round: UInt64, by index: Int) -> Signed<Vote> {
        try! Signed.sign(try! Vote(chainID: chain, step: step, height: 1, round: round, blockID: block?.header.blockID,
                                   validator: address(index)), with: keys[index])
    }
}

extension [ConsensusAction] {
    /// The votes broadcast, in order.
    var votes: [Vote] {
        compactMap { if case .broadcastVote(let signed) = $0 { return signed.object } else { return nil } }
    }

    /// The blocks whose validation was requested.
    var validations: [Hash256] {
        compactMap { if case .validateBlock(let block) = $0 { return block.header.blockID } else { return nil } }
    }

    var decisions: [Decision] {
        compactMap { if case .decide(let decision) = $0 { return decision } else { return nil } }
    }

    var timeouts: [(ConsensusTimeout, UInt64)] {
        compactMap { if case .scheduleTimeout(let timeout, let after) = $0 { return (timeout, after) } else { return nil } }
    }

    var evidence: [FogConsensus.Equivocation] {
        compactMap { if case .evidence(let evidence) = $0 { return evidence } else { return nil } }
    }
}

extension ConsensusMachine {
    /// Delivers a proposal with its block and answers the validation request with `valid`.
    mutating func receive(_ proposal: Signed<Proposal>, _ block: Block, valid: Bool = true) -> [ConsensusAction] {
        var actions = handle(.proposal(proposal))
        actions += handle(.block(block))
        if actions.validations.contains(block.header.blockID) {
            actions += handle(.blockValidity(blockID: block.header.blockID, valid: valid))
        }
        return actions
    }

    /// Delivers votes one by one.
    mutating func receive(_ votes: [Signed<Vote>]) -> [ConsensusAction] {
        votes.flatMap { handle(.vote($0)) }
    }
}
