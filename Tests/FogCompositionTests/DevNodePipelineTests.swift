import FogCore
import FogCrypto
import FogExecution
import FogNode
import FogStore
import FogTypes
import Logging
import Testing

/// Admission that verifies before the actor, execution that trusts it only for the same key, and
/// blocks committed while the next block's envelopes are admitted.
@Suite struct DevNodePipelineTests {
    static let rotated = DevChain.key(12)

    /// A reading of the sensor's address signed by `key`.
    static func sensorReading(seq: UInt64, signedBy key: PrivateKey) -> [UInt8] {
        let reading = try! Reading(chainID: DevChain.chainID, device: DevChain.sensor.publicKey.address, sequence: seq,
                                   timeMillis: DevChain.genesisTime + seq, content: .inline(.unsigned(seq)))
        return try! Signed.sign(reading, with: key).bytes
    }

    static func rotation(nonce: UInt64) -> [UInt8] {
        DevChain.transaction(.rotateDeviceKey(device: DevChain.sensor.publicKey.address, newKey: rotated.publicKey), nonce: nonce)
    }

    @Test func aReadingUnderTheOldKeyIsRefusedOnceARotationIsAdmitted() async throws {
        let chain = try DevChain()
        _ = try await chain.node.submit(DevChain.registration())
        try await chain.node.produceBlock()
        _ = try await chain.node.submit(DevChain.reading(seq: 1))
        // The sensor's key is now remembered, so the next reading is verified before admission…
        #expect(chain.node.signerKeys.key(of: DevChain.sensor.publicKey.address) == DevChain.sensor.publicKey)
        _ = try await chain.node.submit(Self.rotation(nonce: 1))
        // …with the old key, which the pending rotation replaced: it is verified again, and fails.
        let refusal = await #expect(throws: SubmissionError.self) {
            _ = try await chain.node.submit(DevChain.reading(seq: 2))
        }
        #expect(refusal?.code == "bad-signature")
        _ = try await chain.node.submit(Self.sensorReading(seq: 2, signedBy: Self.rotated))
        #expect(chain.node.signerKeys.key(of: DevChain.sensor.publicKey.address) == Self.rotated.publicKey)
        let block = try #require(try await chain.node.produceBlock())
        #expect(block.envelopes == 3 && block.readings == 2)
        let codes = try #require(chain.store.block(at: block.header.height)).transactions.map {
            try chain.store.receipt(transactionID: SignedEnvelope.transactionID(of: $0))?.receipt.code
        }
        #expect(codes == ["ok", "ok", "ok"])
    }

    @Test func executionVerifiesAgainWhenTheKeyChangedAfterPreparation() throws {
        let chain = try DevChain()
        let executor = chain.node.executor
        var state = try InMemoryStateStore(genesis: chain.genesis)
        let context = BlockContext(height: 1, timeMillis: DevChain.genesisTime + 1)
        let setup = try executor.executeBlock([DevChain.registration()], context: context,
                                              parentRoot: state.root, state: state)
        state.apply(setup.state)
        // Prepared (and verified) with the sensor's key; a rotation in the same block lands first.
        let reading = executor.prepare(DevChain.reading(seq: 1)) { _ in DevChain.sensor.publicKey }
        #expect(reading.verifiedKey == DevChain.sensor.publicKey)
        let rotation = executor.prepare(Self.rotation(nonce: 1))
        let next = BlockContext(height: 2, timeMillis: DevChain.genesisTime + 2)
        let rotatedFirst = try executor.executeBlock(prepared: [rotation, reading], context: next,
                                                     parentRoot: state.root, state: state)
        #expect(rotatedFirst.outcomes.map(\.receipt.code) == ["ok", "bad-signature"])
        // The same envelopes in the other order: the key is still the one verified, no second check needed.
        let readingFirst = try executor.executeBlock(prepared: [reading, rotation], context: next,
                                                     parentRoot: state.root, state: state)
        #expect(readingFirst.outcomes.map(\.receipt.code) == ["ok", "ok"])
        // Either way the prepared path agrees with full verification.
        let verified = try executor.executeBlock([reading.bytes, rotation.bytes], context: next,
                                                 parentRoot: state.root, state: state)
        #expect(verified.stateRoot == readingFirst.stateRoot && verified.receipts == readingFirst.receipts)
        // A signature that does not verify under the given key is not marked verified.
        let forged = executor.prepare(Self.sensorReading(seq: 1, signedBy: Self.rotated)) { _ in DevChain.sensor.publicKey }
        #expect(forged.verifiedKey == nil)
    }

    /// Prepared together, each envelope gets the verdict it gets prepared alone: verified only with a
    /// known key and a valid signature (the batch equation fails on the forged one and falls back).
    @Test func preparingTogetherMarksWhatPreparingAloneMarks() throws {
        let executor = try DevChain().node.executor
        let sensor = DevChain.sensor.publicKey
        let envelopes = (UInt64(1)...6).map { DevChain.reading(seq: $0) } + [
            Self.sensorReading(seq: 7, signedBy: Self.rotated),  // forged: not the sensor's key
            Self.rotation(nonce: 1),                             // its signer's key is not known here
            [0xA0],                                              // not an envelope
        ] + (UInt64(8)...9).map { DevChain.reading(seq: $0) }
        let known: (Address) -> PublicKey? = { $0 == sensor.address ? sensor : nil }
        let together = executor.prepareAll(envelopes, signerKey: known)
        let alone = envelopes.map { executor.prepare($0, signerKey: known) }
        #expect(together.map(\.verifiedKey) == alone.map(\.verifiedKey))
        #expect(together.map { $0.verifiedKey != nil } == [true, true, true, true, true, true, false, false, false, true, true])
        #expect(together.map(\.transactionID) == alone.map(\.transactionID))
    }

    @Test func blocksCommittedWhileAdmittingKeepEveryEnvelopeInOrder() async throws {
        let chain = try DevChain()
        _ = try await chain.node.submit(DevChain.registration())
        _ = try await chain.node.submit(DevChain.registration(DevChain.stranger, nonce: 1))
        try await chain.node.produceBlock()
        let start = chain.store.latestHeight()
        var submitted: [Hash256] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // The producer: a block every millisecond while anything is pending (sleeping, not
                // spinning: other suites share the cooperative pool's two threads).
                while !Task.isCancelled {
                    try await chain.node.produceBlock()
                    do { try await Task.sleep(for: .milliseconds(1)) } catch { break }
                }
            }
            for seq in UInt64(1)...300 {
                let device = seq % 2 == 0 ? DevChain.sensor : DevChain.stranger
                submitted.append(try await chain.node.submit(DevChain.reading(device, seq: seq)))
                if seq % 25 == 0 { try await Task.sleep(for: .milliseconds(1)) }
            }
            while await chain.node.pendingCount > 0 { try await Task.sleep(for: .milliseconds(1)) }
            group.cancelAll()
            try await group.waitForAll()
        }
        try await chain.node.produceBlock()
        let latest = chain.store.latestHeight()
        #expect(latest > start + 1, "several blocks were committed while admitting")
        var committed: [Hash256] = []
        for height in (start + 1)...latest {
            committed += try #require(chain.store.block(at: height)).transactions.map(SignedEnvelope.transactionID(of:))
        }
        #expect(committed == submitted)
        for id in submitted {
            guard case .committed(let stored) = try await chain.node.status(of: id) else {
                Issue.record("\(id) not committed")
                return
            }
            #expect(stored.receipt.isOK)
        }
        #expect(try chain.store.device(DevChain.sensor.publicKey.address)?.lastSequence == 300)
        #expect(try chain.store.device(DevChain.stranger.publicKey.address)?.lastSequence == 299)
    }

    @Test func aFullMempoolRefusesWhileABlockCommitsAndAdmitsAfter() async throws {
        let chain = try DevChain(limits: MempoolLimits(maxCount: 2))
        _ = try await chain.node.submit(DevChain.registration())
        try await chain.node.produceBlock()
        _ = try await chain.node.submit(DevChain.reading(seq: 1))
        _ = try await chain.node.submit(DevChain.reading(seq: 2))
        let full = await #expect(throws: SubmissionError.self) { _ = try await chain.node.submit(DevChain.reading(seq: 3)) }
        #expect(full?.code == "mempool-full")
        // A duplicate of an envelope whose block is being committed, or was, is never admitted twice.
        let block = try #require(try await chain.node.produceBlock())
        #expect(block.envelopes == 2)
        let replay = await #expect(throws: SubmissionError.self) { _ = try await chain.node.submit(DevChain.reading(seq: 2)) }
        #expect(replay?.code == "already-committed")
        _ = try await chain.node.submit(DevChain.reading(seq: 3))
        #expect(await chain.node.pendingCount == 1)
    }
}
