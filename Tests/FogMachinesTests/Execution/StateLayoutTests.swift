import FogCore
import FogCrypto
import FogExecution
import FogMerkle
import FogTypes
import Testing

@Suite struct StateLayoutTests {
    @Test func keysAreDomainSeparatedHashesOfTheAddress() {
        let address = Ledger.alice.publicKey.address
        #expect(StateKey.account(address) == SHA256Hasher.hash([0x01] + address.bytes))
        #expect(StateKey.device(address) == SHA256Hasher.hash([0x02] + address.bytes))
        #expect(StateKey.account(address) != StateKey.device(address))
    }

    @Test func theTreeStoresTheHashOfEachRecordAndProvesIt() throws {
        var ledger = Ledger()
        try ledger.registerSensor()
        let root = ledger.store.root
        for entry in ledger.store.allRecords() {
            let bytes = try #require(entry.record)
            #expect(try SparseMerkleTree.value(for: entry.key, root: root, version: ledger.height, in: ledger.store)
                    == SHA256Hasher.hash(bytes))
            let proof = try SparseMerkleTree.proof(for: entry.key, root: root, version: ledger.height, in: ledger.store)
            #expect(proof.verify(root: root, key: entry.key, valueHash: SHA256Hasher.hash(bytes)))
        }
        // Carol has no account: a non-inclusion proof.
        let carol = StateKey.account(Ledger.carol.publicKey.address)
        let absent = try SparseMerkleTree.proof(for: carol, root: root, version: ledger.height, in: ledger.store)
        #expect(absent.verify(root: root, key: carol, valueHash: nil))
        // Alice, Bob, the sensor, and the validator state of a one-validator genesis (spec/state.md §3).
        #expect(ledger.store.recordCount == 3 + 6)
    }

    @Test func recordsRoundTripAndRejectBadStatus() throws {
        let record = try DeviceRecord(publicKey: Ledger.sensor.publicKey, owner: Ledger.alice.publicKey.address,
                                      deviceType: "meter", metadata: .map([]), status: .suspended, lastSequence: 9,
                                      registeredAt: 3, nonce: 2)
        #expect(try DeviceRecord.decode(record.encoded) == record)
        let bad = CBORValue.map(record.cborValue.mapEntries!.map {
            $0.key == .int(5) ? CBORMapEntry($0.key, .unsigned(3)) : $0
        })
        #expect(throws: ObjectError(.invalidValue, "device-record.status: 3 is not 0, 1 or 2")) {
            try DeviceRecord.decode(bad.encoded)
        }
        let receipt = try Receipt(transactionID: SHA256Hasher.hash([1]), height: 4, code: "stale-sequence")
        #expect(try Receipt.decode(receipt.encoded) == receipt)
        #expect(throws: ObjectError.self) { try Receipt(transactionID: .zero, height: 1, code: "") }
        let account = AccountRecord(publicKey: Ledger.bob.publicKey, nonce: 1, balance: 2)
        #expect(try AccountRecord.decode(account.encoded) == account)
    }

    @Test func genesisOfNoAccountsHoldsOnlyTheValidatorState() throws {
        let genesis = Ledger.genesis([])
        let validator = genesis.validators.validators[0].address
        #expect(GenesisState.changes(genesis).map(\.key) == [
            StateKey.consensusParams, StateKey.nextValidatorSet, StateKey.pendingValidatorSet,
            StateKey.validatorSchedule, StateKey.validatorSet(from: 1), StateKey.validator(validator),
        ].sorted())
        #expect(try GenesisState.root(genesis) != SparseMerkleTree.emptyRoot)
    }

    /// Validator sets are decoded once per encoding and reused: each read still returns the set its
    /// own bytes encode, across more distinct sets than are kept, and corrupt bytes still throw.
    @Test func validatorSetsReadByTheirBytes() throws {
        struct Sets: StateReader {
            let bytes: [UInt8]
            func record(_ key: Hash256) -> [UInt8]? { key == StateKey.nextValidatorSet ? bytes : nil }
            func node(_ hash: Hash256, version: UInt64) -> SparseMerkleStoredNode? { nil }
        }
        let sets = try (1...20).map { power in
            try ValidatorSet([try Validator(publicKey: Ledger.alice.publicKey, power: UInt64(power)),
                              try Validator(publicKey: Ledger.bob.publicKey, power: 7)])
        }
        for _ in 0..<2 {
            for set in sets { #expect(try Sets(bytes: set.encoded).nextValidatorSet() == set) }
        }
        #expect(try Sets(bytes: sets[0].encoded).pendingValidatorSet() == nil)
        #expect(throws: StateCorruption.self) { try Sets(bytes: [0xa0]).nextValidatorSet() }
    }

    @Test func corruptRecordsThrowRatherThanBecomeReceipts() throws {
        struct Corrupt: StateReader {
            func record(_ key: Hash256) -> [UInt8]? { [0xa0] }
            func node(_ hash: Hash256, version: UInt64) -> SparseMerkleStoredNode? { nil }
        }
        let executor = Executor(chainID: Ledger.chain)
        var ledger = Ledger()
        let envelope = ledger.tx(Ledger.alice, .transfer(to: Ledger.bob.publicKey.address, amount: 1))
        #expect(throws: StateCorruption.self) {
            try executor.executeBlock([envelope], context: BlockContext(height: 1, timeMillis: 0),
                                      parentRoot: .zero, state: Corrupt())
        }
    }
}
