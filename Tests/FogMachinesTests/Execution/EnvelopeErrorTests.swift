import FogCore
import FogCrypto
import FogExecution
import FogTypes
import Testing

@Suite struct EnvelopeErrorTests {
    let bob = Ledger.bob.publicKey.address

    @Test func wrongChain() throws {
        var ledger = Ledger()
        try ledger.registerSensor()
        #expect(try ledger.code(ledger.tx(Ledger.alice, .transfer(to: bob, amount: 1), chain: Ledger.otherChain)) == "wrong-chain")
        #expect(try ledger.code(Ledger.reading(Ledger.sensor, seq: 1, chain: Ledger.otherChain)) == "wrong-chain")
        #expect(try ledger.account(Ledger.alice)?.nonce == 1)
    }

    @Test func garbageGetsAReceiptToo() throws {
        var ledger = Ledger()
        let garbage: [[UInt8]] = [[], [0xff], [0xa0], CBORValue.array([]).encoded]
        let result = try ledger.run(garbage)
        #expect(result.receipts.map(\.code) == ["malformed", "malformed", "malformed", "malformed"])
        #expect(result.receipts.map(\.transactionID) == garbage.map(SHA256Hasher.hash))
        #expect(result.state.changes.isEmpty)
        #expect(result.stateRoot == result.state.parentRoot)
    }

    @Test func otherSignedObjectsAreWrongObjectType() throws {
        var ledger = Ledger()
        let genesisBytes = try COSESign1.sign(payload: Ledger.genesis().encoded, with: Ledger.alice).encoded
        let untagged = try COSESign1.sign(payload: CBORValue.map([CBORMapEntry(.int(1), .int(1))]).encoded, with: Ledger.alice).encoded
        let notAMap = try COSESign1.sign(payload: CBORValue.array([]).encoded, with: Ledger.alice).encoded
        #expect(try ledger.codes([genesisBytes, untagged, notAMap]) == ["wrong-object-type", "malformed", "malformed"])
    }

    @Test func oversizeEnvelope() throws {
        var ledger = Ledger()
        let big = [UInt8](repeating: 0, count: ObjectLimits.maxEnvelopeBytes + 1)
        #expect(try ledger.code(big) == "limit-exceeded")
    }

    @Test func checkAdmitsWithoutApplying() throws {
        let ledger = Ledger()
        var copy = ledger
        let good = copy.tx(Ledger.alice, .transfer(to: bob, amount: 1))
        #expect(try ledger.executor.check(good, height: 1, state: ledger.store) == nil)
        #expect(try ledger.account(Ledger.alice)?.nonce == 0)
        let poor = copy.tx(Ledger.bob, .transfer(to: Ledger.alice.publicKey.address, amount: 51))
        #expect(try ledger.executor.check(poor, height: 1, state: ledger.store)?.code == .insufficientBalance)
        #expect(try ledger.executor.check([0xff], height: 1, state: ledger.store)?.code.name == "malformed")
        #expect(try ledger.executor.check(Ledger.reading(Ledger.sensor, seq: 1), height: 1, state: ledger.store)?.code
                == .unknownDevice)
        #expect(try ledger.executor.check(ledger.txWrongSigner(), height: 1, state: ledger.store)?.code.name == "bad-signature")
    }

    @Test func failedEnvelopesChangeNothingInAMixedBlock() throws {
        var ledger = Ledger()
        try ledger.registerSensor()
        let before = ledger.store.allRecords()
        let result = try ledger.run([
            ledger.tx(Ledger.bob, .transfer(to: Ledger.alice.publicKey.address, amount: 500)),
            Ledger.reading(Ledger.sensor, seq: 0 + 1, chain: Ledger.otherChain),
            ledger.tx(Ledger.carol, .createAccount(publicKey: Ledger.carol.publicKey)),
        ])
        #expect(result.receipts.map(\.code) == ["insufficient-balance", "wrong-chain", "unknown-signer"])
        #expect(result.outcomes.allSatisfy { $0.error != nil })
        #expect(result.state.changes.isEmpty)
        #expect(ledger.store.allRecords() == before)
    }
}

extension Ledger {
    /// A transaction naming Alice as signer but signed by Bob.
    func txWrongSigner() -> [UInt8] {
        let transaction = try! TransactionBody.transfer(to: Ledger.bob.publicKey.address, amount: 1)
            .transaction(chainID: Ledger.chain, signer: Ledger.alice.publicKey.address, nonce: 0)
        return try! Signed.sign(transaction, with: Ledger.bob).bytes
    }
}
