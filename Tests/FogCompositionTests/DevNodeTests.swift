import FogCore
import FogCrypto
import FogExecution
import FogLight
import FogNode
import FogStore
import FogTypes
import Logging
import ServiceLifecycle
import Testing

@Suite struct DevNodeTests {
    @Test func admitsProducesAndCommitsWithReceipts() async throws {
        let chain = try DevChain()
        let registration = try await chain.node.submit(DevChain.registration())
        #expect(try await chain.node.status(of: registration) == .pending)
        let first = try #require(try await chain.node.produceBlock())
        #expect(first.header.height == 1 && first.envelopes == 1 && first.readings == 0)

        let reading = try await chain.node.submit(DevChain.reading(seq: 1))
        _ = try await chain.node.submit(DevChain.batch(seqs: [2, 3, 4]))
        let second = try #require(try await chain.node.produceBlock())
        #expect(second.header.height == 2 && second.envelopes == 2 && second.readings == 4)

        guard case .committed(let stored) = try await chain.node.status(of: reading) else {
            Issue.record("reading not committed")
            return
        }
        #expect(stored.receipt.isOK && stored.location == TransactionLocation(height: 2, index: 0))
        #expect(try await chain.node.status(of: .zero) == .unknown)
        #expect(try chain.store.device(DevChain.sensor.publicKey.address)?.lastSequence == 4)
        // Nothing pending, no empty blocks unless asked.
        #expect(try await chain.node.produceBlock() == nil)
        #expect(try await chain.node.produceBlock(allowEmpty: true)?.header.height == 3)
        // Each block carries the previous block's commit, which verifies against the genesis set.
        let block3 = try #require(chain.store.block(at: 3))
        let commit2 = try #require(block3.lastCommit)
        #expect(commit2.blockID == second.header.blockID)
        try commit2.verify(validators: chain.genesis.validators)
        #expect(block3.header.lastCommitHash == commit2.hash)
        #expect(block3.header.previousBlockID == second.header.blockID)
    }

    @Test func stateRootsEqualAFromScratchReplay() async throws {
        let chain = try DevChain()
        _ = try await chain.node.submit(DevChain.registration())
        _ = try await chain.node.submit(DevChain.registration(DevChain.stranger, nonce: 1))
        try await chain.node.produceBlock()
        for round in 0..<5 {
            let base = UInt64(round * 10)
            _ = try await chain.node.submit(DevChain.reading(seq: base + 1))
            _ = try await chain.node.submit(DevChain.batch(seqs: [base + 2, base + 3]))
            _ = try await chain.node.submit(DevChain.reading(DevChain.stranger, seq: base + 1))
            try await chain.node.produceBlock()
        }
        var replay = try InMemoryStateStore(genesis: chain.genesis)
        let executor = Executor(chainID: chain.genesis.chainID)
        let latest = chain.store.latestHeight()
        #expect(latest == 6)
        for height in 1...latest {
            let block = try #require(chain.store.block(at: height))
            let execution = try executor.executeBlock(
                block.transactions, context: BlockContext(height: height, timeMillis: block.header.timeMillis),
                parentRoot: replay.root, state: replay)
            replay.apply(execution.state)
            #expect(execution.stateRoot == block.header.stateRoot)
            #expect(execution.readingsRoot == block.header.readingsRoot)
            #expect(execution.transactionsRoot == block.header.transactionsRoot)
            #expect(execution.receipts.allSatisfy { $0.isOK })
            #expect(try chain.node.blockReadings(height: height) == execution.readings)
        }
    }

    @Test func proofsVerifyTrustingOnlyTheGenesis() async throws {
        let chain = try DevChain()
        _ = try await chain.node.submit(DevChain.registration())
        try await chain.node.produceBlock()
        _ = try await chain.node.submit(DevChain.reading(seq: 1))
        _ = try await chain.node.submit(DevChain.batch(seqs: [2, 3, 4, 5, 6]))
        try await chain.node.produceBlock()
        let verifier = LightVerifier(genesis: chain.genesis)
        let device = DevChain.sensor.publicKey.address
        for seq in UInt64(1)...6 {
            let proof = try #require(try chain.node.readingProof(device: device, sequence: seq))
            let verified = try verifier.verifyReadingProof(proof.encoded)
            #expect(verified.reading.sequence == seq && verified.height == 2)
        }
        #expect(try chain.node.readingProof(device: device, sequence: 7) == nil)

        // The device record at height 2 (lastSequence 6), at height 1 (registered, lastSequence 0),
        // and an absent device.
        let key = StateKey.device(device)
        let now = try verifier.verify(try chain.node.stateProof(key: key))
        let nowRecord = try DeviceRecord.decode(try #require(now.record))
        #expect(nowRecord.lastSequence == 6)
        let then = try verifier.verify(try chain.node.stateProof(key: key, height: 1))
        let thenRecord = try DeviceRecord.decode(try #require(then.record))
        #expect(thenRecord.lastSequence == 0 && then.height == 1)
        let absent = try verifier.verify(try chain.node.stateProof(key: StateKey.device(DevChain.stranger.publicKey.address)))
        #expect(absent.record == nil)
        let operatorProof = try verifier.verify(
            try chain.node.stateProof(key: StateKey.account(DevChain.operatorKey.publicKey.address)))
        let operatorRecord = try AccountRecord.decode(try #require(operatorProof.record))
        #expect(operatorRecord.nonce == 1)
        #expect(throws: StoreError.self) { try chain.node.stateProof(key: key, height: 3) }
        #expect(throws: StoreError.self) { try chain.node.stateProof(key: key, height: 0) }
    }

    @Test func admissionRejectsWhatWouldFail() async throws {
        let chain = try DevChain()
        // Unknown device before registration; then registration and readings in one mempool.
        #expect(await chain.refusal(DevChain.reading(seq: 1))?.code == "unknown-device")
        #expect(await chain.refusal(DevChain.reading(seq: 1))?.kind == .rejected)
        #expect(await chain.refusal(DevChain.registration()) == nil)
        #expect(await chain.refusal(DevChain.reading(seq: 1)) == nil)
        // The same envelope again: already pending.
        #expect(await chain.refusal(DevChain.reading(seq: 1))?.code == "duplicate")
        // A replayed or out-of-order sequence number (checked after the pending ones).
        #expect(await chain.refusal(DevChain.batch(seqs: [1, 2]))?.kind == .conflict)
        // Consecutive nonces: the operator's next transaction is checked after the pending one.
        #expect(await chain.refusal(DevChain.registration(DevChain.stranger, nonce: 0))?.code == "bad-nonce")
        #expect(await chain.refusal(DevChain.registration(DevChain.stranger, nonce: 1)) == nil)
        // Malformed bytes, a bad signature, another chain.
        #expect(await chain.refusal([0xa0])?.kind == .malformed)
        #expect(await chain.refusal([])?.kind == .malformed)
        var tampered = DevChain.reading(seq: 9)
        tampered[tampered.count - 1] ^= 1
        #expect(await chain.refusal(tampered)?.code == "bad-signature")
        let other = try ChainID("another-chain")
        #expect(await chain.refusal(DevChain.reading(seq: 9, chain: other))?.code == "wrong-chain")
        #expect(await chain.node.pendingCount == 3)
        let block = try #require(try await chain.node.produceBlock())
        #expect(block.envelopes == 3)
        let receipts = try #require(chain.store.block(at: block.header.height)).transactions.map {
            try chain.store.receipt(transactionID: SignedEnvelope.transactionID(of: $0))?.receipt.code
        }
        #expect(receipts == ["ok", "ok", "ok"])
        // After commit, a replay is a conflict too: the very envelope is already committed.
        #expect(await chain.refusal(DevChain.reading(seq: 1))?.code == "already-committed")
    }

    /// A refused sequence number or nonce is `already-committed` only when the ledger holds this
    /// very transaction; when other readings took the number, it stays `stale-sequence`.
    @Test func aResendIsAlreadyCommittedOnlyWhenThatTransactionIs() async throws {
        let chain = try DevChain()
        #expect(await chain.refusal(DevChain.registration()) == nil)
        #expect(await chain.refusal(DevChain.reading(seq: 1)) == nil)
        // Reading 3 overtakes reading 2 (as through another validator's mempool) and commits first.
        #expect(await chain.refusal(DevChain.reading(seq: 3)) == nil)
        let block = try #require(try await chain.node.produceBlock())
        let height = block.header.height

        let resent = try #require(await chain.refusal(DevChain.reading(seq: 1)))
        #expect(resent.code == "already-committed" && resent.kind == .conflict)
        let id = SignedEnvelope.transactionID(of: DevChain.reading(seq: 1))
        #expect(resent.message == "transaction \(id.hex) is already committed at height \(height)")
        #expect(await chain.refusal(DevChain.registration())?.code == "already-committed", "an account transaction's nonce too")
        // Not on the ledger: the overtaken reading, another reading with a taken number, a batch over them.
        #expect(await chain.refusal(DevChain.reading(seq: 2))?.code == "stale-sequence")
        #expect(await chain.refusal(DevChain.reading(seq: 3, value: 30))?.code == "stale-sequence")
        #expect(await chain.refusal(DevChain.batch(seqs: [1, 2]))?.code == "stale-sequence")
        #expect(await chain.refusal(DevChain.registration(DevChain.stranger, nonce: 0))?.code == "bad-nonce")
        #expect(try chain.store.reading(device: DevChain.sensor.publicKey.address, sequence: 2) == nil)
        #expect(await chain.node.pendingCount == 0, "nothing refused entered the mempool")
    }

    @Test func aFullMempoolRefusesUntilABlockIsMade() async throws {
        let chain = try DevChain(limits: MempoolLimits(maxCount: 3))
        _ = try await chain.node.submit(DevChain.registration())
        try await chain.node.produceBlock()
        for seq in UInt64(1)...3 { _ = try await chain.node.submit(DevChain.reading(seq: seq)) }
        let full = await #expect(throws: SubmissionError.self) {
            _ = try await chain.node.submit(DevChain.reading(seq: 4))
        }
        #expect(full?.code == "mempool-full" && full?.kind == .unavailable)
        try await chain.node.produceBlock()
        _ = try await chain.node.submit(DevChain.reading(seq: 4))
    }

    @Test func theProducerCommitsPendingEnvelopesAndDrainsOnShutdown() async throws {
        let chain = try DevChain()
        let producer = BlockProducerService(node: chain.node, pollInterval: .milliseconds(2), logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await producer.run() }
            let id = try await chain.node.submit(DevChain.registration())
            // Generous: other suites' blocking tests can hold the cooperative pool's threads for seconds.
            let deadline = ContinuousClock.now + .seconds(60)
            while try await chain.node.status(of: id) == .pending, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(try await chain.node.status(of: id) != .pending)
            group.cancelAll()
            try await group.waitForAll()
        }
        #expect(chain.store.latestHeight() == 1)
    }

    @Test func gracefulShutdownCommitsWhatIsPending() async throws {
        // A block gap of an hour: only the shutdown drain can commit.
        let chain = try DevChain(minBlockInterval: .seconds(3600))
        let logger = Logger(label: "test")
        let producer = BlockProducerService(node: chain.node, pollInterval: .milliseconds(2), logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [producer], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            _ = try await chain.node.submit(DevChain.registration())
            _ = try await chain.node.submit(DevChain.registration(DevChain.stranger, nonce: 1))
            try await Task.sleep(for: .milliseconds(20))
            #expect(chain.store.latestHeight() == 0)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(chain.store.latestHeight() == 1)
        #expect(chain.store.block(at: 1)?.transactions.count == 2)
        #expect(await chain.node.pendingCount == 0)
    }

    @Test func emptyBlocksOnlyWhenConfigured() async throws {
        let genesis = try DevGenesis.make(chainID: DevChain.chainID, timeMillis: DevChain.genesisTime,
                                          validator: DevChain.validator.publicKey, operatorKey: DevChain.operatorKey.publicKey)
        let store = try InMemoryLedgerStore(genesis: genesis)
        let node = try DevNode(genesis: genesis, validatorKey: DevChain.validator, store: store,
                               configuration: DevNodeConfiguration(minBlockInterval: .milliseconds(1),
                                                                   emptyBlockInterval: .milliseconds(10)),
                               logger: Logger(label: "test"))
        let producer = BlockProducerService(node: node, pollInterval: .milliseconds(2), logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await producer.run() }
            let deadline = ContinuousClock.now + .seconds(60)
            while store.latestHeight() < 3, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            group.cancelAll()
            try await group.waitForAll()
        }
        #expect(store.latestHeight() >= 3)
        #expect(store.block(at: 1)?.transactions.isEmpty == true)

        // A node whose key is not the genesis validator refuses to start.
        #expect(throws: DevNodeSetupError.self) {
            _ = try DevNode(genesis: genesis, validatorKey: DevChain.stranger, store: store, logger: Logger(label: "test"))
        }
    }
}
