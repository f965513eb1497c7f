import FogCrypto
import FogExecution
import FogLight
import FogNode
import FogStore
import FogTypes
import Testing

/// Proofs served by validators of a BFT network carry the history a verifier holding only the genesis
/// needs: none while more than 2/3 of the genesis set's power signs, one step once it no longer does.
@Suite struct ValidatorProofTests {
    @Test(.timeLimit(.minutes(3))) func aProofStepsThroughTheChangeOnceTheGenesisSetNoLongerSigns() async throws {
        let cluster = try ValidatorCluster()
        try cluster.startAll()
        do {
            try await cluster.waitHeights(atLeast: 1, nodes: [0, 1, 2, 3], within: .seconds(60))
            // Validator 0 proposes to re-weight validator 3 to 10, and 1 and 2 approve: 3 of 4 power.
            let heavy = ValidatorCluster.validatorKey(3)
            let change = ValidatorChange(publicKey: heavy.publicKey, power: 10, operatorAccount: heavy.publicKey.address)
            func send(_ body: ValidatorTransaction, by index: Int) async throws -> UInt64 {
                let key = ValidatorCluster.validatorKey(index)
                let id = try await cluster.node(index).submit(
                    DevChain.transaction(.validator(body), nonce: 0, key: key, chain: ValidatorCluster.chainID))
                let stored = try await cluster.waitCommitted(id, nodes: [0, 1, 2, 3], within: .seconds(20))
                #expect(stored.receipt.isOK)
                return stored.location.height
            }
            let propose = ValidatorTransaction.propose(change, proposer: ValidatorCluster.validatorKey(0).publicKey.address)
            let proposal = propose.proposalID(height: try await send(propose, by: 0))
            for index in 1...2 {
                _ = try await send(.approve(proposal: proposal, validator: ValidatorCluster.validatorKey(index).publicKey.address),
                                   by: index)
            }
            let reweighted = try ValidatorSet(cluster.genesis.validators.validators.map {
                try Validator(publicKey: $0.publicKey, power: $0.address == heavy.publicKey.address ? 10 : 1)
            })
            var signedByNewSet: UInt64 = 0
            for _ in 0..<500 where signedByNewSet == 0 {
                let latest = cluster.height(2)
                if let header = try cluster.stores[2].header(at: latest), header.validatorsHash == reweighted.hash {
                    signedByNewSet = latest
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            try #require(signedByNewSet > 0, "the re-weighted set never signed a block")

            let node = cluster.node(2)
            let verifier = LightVerifier(genesis: cluster.genesis)
            let key = StateKey.account(ValidatorCluster.operatorKey.publicKey.address)
            // Validator 3 and one other now make a quorum, so a commit may or may not carry more than 2/3
            // of the genesis set's power: the history is empty exactly when it does.
            let genesisSet = cluster.genesis.validators
            for height in (signedByNewSet - 1)...cluster.height(2) {
                let proof = try node.stateProof(key: key, height: height)
                let genesisPower = proof.signedHeader.commit.power(signedIn: genesisSet)
                #expect(proof.history.isEmpty == genesisSet.isQuorum(genesisPower), "height \(height)")
                #expect((try? verifier.verify(proof)) != nil, "height \(height)")
            }

            // Validators 0 and 1 stop. 2 and 3 hold 11 of the new set's 13, and 2 of the genesis set's 4.
            await cluster.stop(0)
            await cluster.stop(1)
            let stopped = cluster.height(2)
            try await cluster.waitHeights(atLeast: stopped + 2, nodes: [2, 3], within: .seconds(30))
            let proven = stopped + 2
            let signed = try node.signedHeader(at: proven)
            #expect(signed.commit.power(signedIn: cluster.genesis.validators) == 2)
            let proof = try node.stateProof(key: key, height: proven)
            let changeHeights = try cluster.stores[2].validatorSetChangeHeights(below: proven)
            #expect(proof.history.map(\.signedHeader.header.height) == [try #require(changeHeights.last)])
            let verified = try verifier.verify(proof)
            #expect(verified.height == proven && verified.record != nil)
            let bare = try StateProof(chainID: proof.chainID, genesisHash: proof.genesisHash, history: [],
                                      signedHeader: proof.signedHeader, key: proof.key, record: proof.record, proof: proof.proof)
            #expect(throws: LightError.self) { try verifier.verify(bare) }
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }
}
