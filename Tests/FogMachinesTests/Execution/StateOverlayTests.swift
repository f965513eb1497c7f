import FogCrypto
import FogExecution
import FogMerkle
import FogTypes
import Testing

@Suite struct StateOverlayTests {
    @Test func readsItsOwnWritesAndKeepsOnlyCommittedOnes() throws {
        let store = try InMemoryStateStore(genesis: Ledger.genesis())
        var overlay = StateOverlay(base: store)
        let aliceKey = StateKey.account(Ledger.alice.publicKey.address)
        // Prefixed so that none is a validator-state key (SHA-256([0x07]) holds the consensus parameters).
        let keys = (0..<50).map { SHA256Hasher.hash([0xf0, UInt8($0)]) }
        for key in keys.reversed() { overlay.set(key, [1]) }
        #expect(try overlay.record(keys[0]) == [1])
        overlay.discardPending()
        #expect(try overlay.record(keys[0]) == nil)
        #expect(overlay.changes.isEmpty)
        for key in keys.reversed() { overlay.set(key, [2]) }
        overlay.set(aliceKey, nil)
        #expect(try overlay.record(aliceKey) == nil)
        overlay.commitPending()
        overlay.set(keys[1], [3])
        overlay.discardPending()
        #expect(try overlay.record(keys[1]) == [2])
        #expect(store.record(aliceKey) != nil)
        let changes = overlay.changes
        #expect(changes.map(\.key) == (keys + [aliceKey]).sorted())
        // Removing Alice leaves Bob and the validator state with the new keys.
        let diff = try overlay.diff(parentRoot: store.root, height: 1)
        var updated = store
        updated.apply(diff)
        #expect(updated.recordCount == store.recordCount - 1 + 50)
        #expect(updated.root == (try Rebuild.root(of: updated)))
    }

    @Test func decodedDeviceRecordsFollowEveryWrite() throws {
        var ledger = Ledger()
        try ledger.registerSensor()
        let address = Ledger.sensor.publicKey.address
        let key = StateKey.device(address)
        var overlay = StateOverlay(base: ledger.store)
        for seq: UInt64 in 1...2 {
            let admission = try ledger.executor.admit(Ledger.reading(Ledger.sensor, seq: seq), height: 2, overlay: &overlay)
            #expect(admission.error == nil)
        }
        let admitted = try #require(try overlay.device(address))
        #expect(admitted.lastSequence == 2)
        #expect(try overlay.record(key) == admitted.encoded)
        #expect(try ledger.store.device(address)?.lastSequence == 0)

        // A write of the record's bytes replaces the decoded record, kept or discarded with them.
        var suspended = admitted
        suspended.status = .suspended
        overlay.set(key, suspended.encoded)
        #expect(try overlay.device(address) == suspended)
        overlay.discardPending()
        #expect(try overlay.device(address) == admitted)
        overlay.set(key, suspended.encoded)
        overlay.commitPending()
        #expect(try overlay.device(address) == suspended)
        let refused = try ledger.executor.admit(Ledger.reading(Ledger.sensor, seq: 3), height: 2, overlay: &overlay)
        #expect(refused.error?.code == .deviceSuspended)
        overlay.set(key, nil)
        overlay.commitPending()
        #expect(try overlay.device(address) == nil)
    }

    /// The next block reads the record this block wrote without decoding it again (the bytes are
    /// remembered with it); other bytes under the same key are decoded, never mistaken for it.
    @Test func theNextBlockReadsTheDeviceRecordThisBlockWrote() throws {
        var ledger = Ledger()
        try ledger.registerSensor()
        let address = Ledger.sensor.publicKey.address
        var overlay = StateOverlay(base: ledger.store)
        #expect(try ledger.executor.admit(Ledger.reading(Ledger.sensor, seq: 1), height: 2, overlay: &overlay).error == nil)
        var store = ledger.store
        store.apply(try overlay.diff(parentRoot: store.root, height: 2))
        let next = StateOverlay(base: store)
        let written = try #require(try next.device(address))
        #expect(written.lastSequence == 1)
        #expect(try DeviceRecord.decode(try #require(try next.record(StateKey.device(address)))) == written)

        var suspended = written
        suspended.status = .suspended
        var overwrite = StateOverlay(base: store)
        overwrite.set(StateKey.device(address), suspended.encoded)
        overwrite.commitPending()
        // Applied by bytes: nothing remembered the suspended record before this read decodes it.
        var changed = store
        changed.apply(try overwrite.diff(parentRoot: store.root, height: 3))
        #expect(try StateOverlay(base: changed).device(address) == suspended)
        #expect(try StateOverlay(base: store).device(address) == written)
    }

    @Test func errorCodesAreStable() {
        let codes: [ExecutionError.Code] = [
            .unknownSigner, .badNonce, .unknownKind, .insufficientBalance, .balanceOverflow, .unknownAccount,
            .accountExists, .unknownDevice, .deviceExists, .deviceSuspended, .deviceRevoked, .deviceActive,
            .staleSequence, .notOwner,
        ]
        #expect(codes.map(\.name) == [
            "unknown-signer", "bad-nonce", "unknown-kind", "insufficient-balance", "balance-overflow", "unknown-account",
            "account-exists", "unknown-device", "device-exists", "device-suspended", "device-revoked", "device-active",
            "stale-sequence", "not-owner",
        ])
        #expect(codes.allSatisfy { $0.name.utf8.count <= ObjectLimits.maxReceiptCodeBytes })
        #expect(ExecutionError(ObjectError(.wrongChain, "x")).code.name == "wrong-chain")
    }

    @Test func aNonceAtTheTopCannotBeUsed() throws {
        struct Exhausted: StateReader {
            let account = AccountRecord(publicKey: Ledger.alice.publicKey, nonce: .max, balance: 5)
            func record(_ key: Hash256) -> [UInt8]? {
                key == StateKey.account(Ledger.alice.publicKey.address) ? account.encoded : nil
            }
            func node(_ hash: Hash256, version: UInt64) -> SparseMerkleStoredNode? { nil }
        }
        var ledger = Ledger()
        let envelope = ledger.tx(Ledger.alice, .transfer(to: Ledger.alice.publicKey.address, amount: 1), nonce: .max)
        #expect(try ledger.executor.check(envelope, height: 1, state: Exhausted())?.code == .badNonce)
    }
}
