import FogCore
import FogCrypto
import FogExecution
import FogLight
import FogNode
import FogTypes
import Testing

/// The dev node takes its header validator fields from execution, refuses a set it could not commit
/// alone, and serves proofs across validator-set changes that verify offline from the genesis.
@Suite struct DevNodeValidatorTests {
    let validator = DevChain.validator
    let newcomer = DevChain.key(92)
    let other = DevChain.key(93)

    func propose(_ key: PrivateKey, power: UInt64, nonce: UInt64) -> [UInt8] {
        let change = ValidatorChange(publicKey: key.publicKey, power: power, operatorAccount: key.publicKey.address)
        return DevChain.transaction(.validator(.propose(change, proposer: validator.publicKey.address)), nonce: nonce,
                                    key: validator)
    }

    @Test func proofsAcrossValidatorSetChangesVerifyOffline() async throws {
        let chain = try DevChain()
        let node = chain.node
        // The validator's own account is its operator: the operator account creates it.
        _ = try await node.submit(DevChain.transaction(.createAccount(publicKey: validator.publicKey), nonce: 0))
        try await node.produceBlock()  // 1
        _ = try await node.submit(propose(validator, power: 3, nonce: 0))
        try await node.produceBlock()  // 2: the re-weight is pending
        _ = try await node.submit(propose(newcomer, power: 1, nonce: 1))
        // Power 3 of 5 would not be a quorum for the dev node alone.
        await #expect(throws: SubmissionError.self) { _ = try await node.submit(propose(other, power: 1, nonce: 2)) }
        let refused = try? await node.submit(propose(other, power: 1, nonce: 2))
        #expect(refused == nil)
        try await node.produceBlock()  // 3: header names {validator: 3} as next
        for _ in 0..<3 { try await node.produceBlock(allowEmpty: true) }  // 4, 5, 6

        let headers = try (1...6).map { try #require(chain.store.header(at: $0)) }
        let changes = headers.filter { $0.nextValidatorsHash != $0.validatorsHash }.map(\.height)
        #expect(changes == [3, 4])
        #expect(try chain.store.validatorSetChangeHeights(below: 7) == changes)
        #expect(headers[0].validatorsHash == chain.genesis.validators.hash)
        #expect(headers[5].validatorsHash != chain.genesis.validators.hash)

        let verifier = LightVerifier(genesis: chain.genesis)
        let key = StateKey.account(validator.publicKey.address)
        let late = try node.stateProof(key: key, height: 6)
        // The dev validator signs every block, and it is the whole genesis set: no history is needed.
        #expect(late.history.isEmpty)
        let verified = try verifier.verify(late)
        #expect(verified.height == 6 && verified.record != nil)
        #expect(try node.stateProof(key: key, height: 3).history.isEmpty)
        #expect((try? verifier.verify(try node.stateProof(key: key, height: 4))) != nil)
        // The set state of height 6 is provable too: the next set record.
        let nextSet = try node.stateProof(key: StateKey.nextValidatorSet, height: 6)
        let proven = try verifier.verify(nextSet)
        #expect(try ValidatorSet.decode(try #require(proven.record)).totalPower == 4)
    }
}
