import FogCore
import FogCrypto
import FogExecution
import FogTypes
import Testing

@Suite struct AccountTransactionTests {
    let alice = Ledger.alice.publicKey.address
    let bob = Ledger.bob.publicKey.address
    let carol = Ledger.carol.publicKey.address

    @Test func genesisStateHoldsTheAccounts() throws {
        let ledger = Ledger()
        #expect(try ledger.account(Ledger.alice) == AccountRecord(publicKey: Ledger.alice.publicKey, nonce: 0, balance: 1_000))
        #expect(try ledger.account(Ledger.bob)?.balance == 50)
        #expect(try ledger.account(Ledger.carol) == nil)
        #expect(ledger.store.root == (try GenesisState.root(Ledger.genesis())))
        #expect(ledger.store.root != .zero)
    }

    @Test func transferMovesTokensAndIncrementsTheNonce() throws {
        var ledger = Ledger()
        let result = try ledger.run([ledger.tx(Ledger.alice, .transfer(to: bob, amount: 300))])
        #expect(result.receipts.map(\.code) == ["ok"])
        #expect(result.receipts[0].height == 1)
        #expect(try ledger.account(Ledger.alice) == AccountRecord(publicKey: Ledger.alice.publicKey, nonce: 1, balance: 700))
        #expect(try ledger.account(Ledger.bob) == AccountRecord(publicKey: Ledger.bob.publicKey, nonce: 0, balance: 350))
        #expect(result.state.changes.count == 2)
        #expect(result.readings.isEmpty)
    }

    @Test func transferOfTheWholeBalanceAndOneMore() throws {
        var ledger = Ledger()
        #expect(try ledger.code(ledger.tx(Ledger.bob, .transfer(to: alice, amount: 51))) == "insufficient-balance")
        #expect(try ledger.account(Ledger.bob) == AccountRecord(publicKey: Ledger.bob.publicKey, nonce: 0, balance: 50))
        #expect(try ledger.code(ledger.tx(Ledger.bob, .transfer(to: alice, amount: 50))) == "ok")
        #expect(try ledger.account(Ledger.bob)?.balance == 0)
    }

    /// Decision: a transfer to oneself is allowed; it needs the balance and changes only the nonce.
    @Test func transferToSelfChangesOnlyTheNonce() throws {
        var ledger = Ledger()
        #expect(try ledger.code(ledger.tx(Ledger.alice, .transfer(to: alice, amount: 1_000))) == "ok")
        #expect(try ledger.account(Ledger.alice) == AccountRecord(publicKey: Ledger.alice.publicKey, nonce: 1, balance: 1_000))
        #expect(try ledger.code(ledger.tx(Ledger.alice, .transfer(to: alice, amount: 1_001))) == "insufficient-balance")
    }

    @Test func transferToAnUnknownAccount() throws {
        var ledger = Ledger()
        #expect(try ledger.code(ledger.tx(Ledger.alice, .transfer(to: carol, amount: 1))) == "unknown-account")
        #expect(try ledger.account(Ledger.alice)?.nonce == 0)
    }

    @Test func zeroAmountIsInvalid() throws {
        var ledger = Ledger()
        let body = CBORValue.map([CBORMapEntry(.int(1), .bytes(bob.bytes)), CBORMapEntry(.int(2), .unsigned(0))])
        #expect(try ledger.code(Ledger.rawTx(Ledger.alice, kind: 1, body: body, nonce: 0)) == "invalid-value")
        #expect(throws: ObjectError.self) { try TransactionBody(kind: .transfer, body: body) }
    }

    @Test func balanceOverflowIsRejected() throws {
        var ledger = Ledger(genesis: Ledger.genesis([(Ledger.alice, UInt64.max), (Ledger.bob, 1)]))
        #expect(try ledger.code(ledger.tx(Ledger.bob, .transfer(to: alice, amount: 1))) == "balance-overflow")
        #expect(try ledger.account(Ledger.bob)?.balance == 1)
    }

    @Test func nonces() throws {
        var ledger = Ledger()
        #expect(try ledger.code(ledger.tx(Ledger.alice, .transfer(to: bob, amount: 1), nonce: 1)) == "bad-nonce")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .transfer(to: bob, amount: 1), nonce: 0)) == "ok")
        // A replay of nonce 0.
        #expect(try ledger.code(ledger.tx(Ledger.alice, .transfer(to: bob, amount: 1), nonce: 0)) == "bad-nonce")
        // Consecutive nonces in one block.
        let codes = try ledger.codes([
            ledger.tx(Ledger.alice, .transfer(to: bob, amount: 1)),
            ledger.tx(Ledger.alice, .transfer(to: bob, amount: 1)),
            ledger.tx(Ledger.alice, .transfer(to: bob, amount: 1), nonce: 5),
        ])
        #expect(codes == ["ok", "ok", "bad-nonce"])
        #expect(try ledger.account(Ledger.alice)?.nonce == 3)
    }

    @Test func theSameEnvelopeTwiceInOneBlockAppliesOnce() throws {
        var ledger = Ledger()
        let envelope = ledger.tx(Ledger.alice, .transfer(to: bob, amount: 10))
        #expect(try ledger.codes([envelope, envelope]) == ["ok", "bad-nonce"])
        #expect(try ledger.account(Ledger.bob)?.balance == 60)
    }

    @Test func unknownSignerAndBadSignature() throws {
        var ledger = Ledger()
        #expect(try ledger.code(ledger.tx(Ledger.carol, .transfer(to: bob, amount: 1))) == "unknown-signer")
        // Carol signs a transaction that names Alice as signer.
        #expect(try ledger.code(ledger.tx(Ledger.carol, .transfer(to: bob, amount: 1), signer: alice)) == "bad-signature")
        #expect(try ledger.account(Ledger.alice)?.balance == 1_000)
    }

    @Test func createAccountIsSponsored() throws {
        var ledger = Ledger()
        #expect(try ledger.code(ledger.tx(Ledger.alice, .createAccount(publicKey: Ledger.carol.publicKey))) == "ok")
        #expect(try ledger.account(Ledger.carol) == AccountRecord(publicKey: Ledger.carol.publicKey, nonce: 0, balance: 0))
        #expect(try ledger.code(ledger.tx(Ledger.bob, .createAccount(publicKey: Ledger.carol.publicKey))) == "account-exists")
        // The new account can receive and then spend.
        #expect(try ledger.codes([
            ledger.tx(Ledger.alice, .transfer(to: carol, amount: 5)),
            ledger.tx(Ledger.carol, .transfer(to: bob, amount: 5)),
        ]) == ["ok", "ok"])
        #expect(try ledger.account(Ledger.carol) == AccountRecord(publicKey: Ledger.carol.publicKey, nonce: 1, balance: 0))
    }

    @Test func unknownKindAndMalformedBodies() throws {
        var ledger = Ledger()
        #expect(try ledger.code(Ledger.rawTx(Ledger.alice, kind: 99, body: .map([]), nonce: 0)) == "unknown-kind")
        #expect(try ledger.code(Ledger.rawTx(Ledger.alice, kind: 0, body: .map([]), nonce: 0)) == "unknown-kind")
        let bodies: [(UInt64, CBORValue)] = [
            (1, .map([])),
            (1, .map([CBORMapEntry(.int(1), .bytes([1, 2])), CBORMapEntry(.int(2), .unsigned(1))])),
            (1, .map([CBORMapEntry(.int(1), .bytes(bob.bytes)), CBORMapEntry(.int(2), .unsigned(1)),
                      CBORMapEntry(.int(3), .null)])),
            (1, .map([CBORMapEntry(.int(1), .bytes(bob.bytes)), CBORMapEntry(.int(2), .text("1"))])),
            (2, .map([CBORMapEntry(.int(1), .bytes([0]))])),
            (3, .map([CBORMapEntry(.int(1), COSEKey.value(Ledger.sensor.publicKey)), CBORMapEntry(.int(2), .text("t")),
                      CBORMapEntry(.int(3), .map([CBORMapEntry(.int(1), .null)]))])),
            (3, .map([CBORMapEntry(.int(1), COSEKey.value(Ledger.sensor.publicKey)), CBORMapEntry(.int(2), .unsigned(1)),
                      CBORMapEntry(.int(3), .map([]))])),
            (5, .map([CBORMapEntry(.int(1), .text("device"))])),
            (8, .map([CBORMapEntry(.int(1), .bytes(bob.bytes))])),
        ]
        for (kind, body) in bodies {
            #expect(try ledger.code(Ledger.rawTx(Ledger.alice, kind: kind, body: body, nonce: 0)) == "malformed",
                    "kind \(kind) body \(body)")
        }
        #expect(try ledger.account(Ledger.alice)?.nonce == 0)
    }

    @Test func everyBodyRoundTrips() throws {
        let device = Ledger.sensor.publicKey.address
        let bodies: [TransactionBody] = [
            .transfer(to: bob, amount: 7), .createAccount(publicKey: Ledger.carol.publicKey),
            Ledger.registration(Ledger.sensorP256), .rotateDeviceKey(device: device, newKey: Ledger.carol.publicKey),
            .suspendDevice(device), .resumeDevice(device), .revokeDevice(device),
            .transferDevice(device: device, newOwner: bob),
        ]
        #expect(bodies.map(\.kind) == Array(TransactionKind.known.prefix(bodies.count)))
        for body in bodies {
            let reread = try TransactionBody(kind: body.kind, body: try CBORReader.decode(body.cborValue.encoded))
            #expect(reread == body)
        }
    }
}
