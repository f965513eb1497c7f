import FogCore
import FogCrypto
import FogExecution
import FogLight
import FogTestKit
import FogTypes
import Testing

/// State proofs over the execution layer's real state layout (spec/state.md §3): a genesis account's
/// record proven at height 1, and a device that does not exist proven absent.
@Suite struct ExecutionStateProofTests {
    @Test func genesisAccountRecordIsProvenAgainstTheRealStateRoot() throws {
        var chain = LightChainFixture(keys: [LightChainFixture.key(.ed25519, 1), LightChainFixture.key(.p256, 2)])
        let account = chain.genesis.accounts[0]
        // Block 1 carries no transactions: its state is the genesis state.
        chain.commit(state: GenesisState.changes(chain.genesis).map { ($0.key, $0.record) })
        #expect(chain.blocks[0].stateRoot == (try GenesisState.root(chain.genesis)))

        let key = StateKey.account(account.publicKey.address)
        let verified = try LightVerifier.verify(chain.stateProof(height: 1, key: key), genesis: chain.genesis)
        let record = try AccountRecord.decode(try #require(verified.record))
        #expect(record.balance == account.balance)
        #expect(record.publicKey == account.publicKey)
        #expect(record.nonce == 0)

        // The same address as a device: another domain, absent.
        let device = try LightVerifier.verify(chain.stateProof(height: 1, key: StateKey.device(account.publicKey.address)),
                                              genesis: chain.genesis)
        #expect(device.record == nil)
    }
}
