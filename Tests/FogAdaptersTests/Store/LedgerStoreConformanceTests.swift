import FogCrypto
import FogExecution
import FogMerkle
import FogStore
import FogTypes
import Testing

/// The semantics every ``LedgerStore`` shares, run against each implementation.
@Suite("LedgerStore conformance")
struct LedgerStoreConformanceTests {
    static let aliceKey = StateKey.account(StoreChain.alice.publicKey.address)
    static let bobKey = StateKey.account(StoreChain.bob.publicKey.address)

    @Test(arguments: StoreKind.allCases)
    func startsAtGenesis(kind: StoreKind) throws {
        let test = try kind.make()
        let store = test.store
        #expect(try store.latestHeight() == 0)
        #expect(try store.stateRoot(at: 0) == GenesisState.root(StoreChain.genesis))
        #expect(try store.latestStateRoot() == store.metadata.genesisStateRoot)
        #expect(store.metadata.genesisHash == StoreChain.genesis.hash)
        #expect(store.metadata.chainID == StoreChain.chain)
        #expect(try store.account(StoreChain.alice.publicKey.address)?.balance == 1_000_000)
        #expect(try store.record(Self.aliceKey, at: 0) == store.record(Self.aliceKey))
        #expect(try store.block(at: 0) == nil)
        #expect(try store.block(at: 1) == nil)
        #expect(try store.header(at: 1) == nil)
        #expect(try store.stateRoot(at: 1) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func committedBlocksReadBack(kind: StoreKind) throws {
        let test = try kind.make()
        var chain = test.chain
        let store = test.store
        let sensor = StoreChain.sensors[0]
        let register = chain.tx(StoreChain.alice, StoreChain.registration(sensor))
        let first = try chain.commit([register])
        #expect(first.receipts.map(\.code) == ["ok"])
        let readings = (0..<3).map { chain.reading(sensor, timeMillis: 1_700_000_100_000 + $0) }
        let second = try chain.commit(readings)
        #expect(second.receipts.allSatisfy { $0.isOK })
        #expect(second.readings.count == 3)

        #expect(try store.latestHeight() == 2)
        for commitment in [first, second] {
            let header = commitment.block.header
            #expect(try store.block(at: header.height) == commitment.block)
            #expect(try store.header(at: header.height) == header)
            #expect(try store.block(id: header.blockID) == commitment.block)
            #expect(try store.commit(at: header.height) == commitment.commit)
            #expect(try store.stateRoot(at: header.height) == header.stateRoot)
            for (index, receipt) in commitment.receipts.enumerated() {
                let stored = try #require(try store.receipt(transactionID: receipt.transactionID))
                #expect(stored.receipt == receipt)
                #expect(stored.location == TransactionLocation(height: header.height, index: UInt32(index)))
            }
        }
        #expect(try store.latestStateRoot() == second.block.header.stateRoot)
        #expect(try store.block(id: Hash256.zero) == nil)
        #expect(try store.receipt(transactionID: Hash256.zero) == nil)
        let device = try #require(try store.device(sensor.publicKey.address))
        #expect(device.lastSequence == 3)
        let page = try store.readings(device: sensor.publicKey.address, timeMillis: 0..<UInt64.max, after: nil, limit: 10)
        #expect(page.readings.map(\.reading) == second.readings)
        #expect(page.readings.map(\.index) == [0, 1, 2])
        #expect(page.readings.allSatisfy { $0.height == 2 })
        #expect(page.next == nil)
        // By sequence number (readings proofs look them up so).
        for stored in page.readings {
            #expect(try store.reading(device: sensor.publicKey.address, sequence: stored.reading.sequence) == stored)
        }
        #expect(try store.reading(device: sensor.publicKey.address, sequence: 4) == nil)
        #expect(try store.reading(device: StoreChain.sensors[1].publicKey.address, sequence: 1) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func rejectedBlocksLeaveNothing(kind: StoreKind) throws {
        let test = try kind.make()
        var chain = test.chain
        let store = test.store
        let transfer = chain.tx(StoreChain.alice, .transfer(to: StoreChain.bob.publicKey.address, amount: 5))
        let block1 = try chain.next([transfer])
        try store.commitBlock(block1)
        let rootAfter1 = try store.latestStateRoot()

        // The same block again: not the next height.
        #expect(throws: StoreError(.notNextBlock, "block at height 1, expected 2")) { try store.commitBlock(block1) }
        // A block computed on the same parent but with a state diff from another parent.
        let block2 = try chain.next([chain.tx(StoreChain.alice, .transfer(to: StoreChain.bob.publicKey.address, amount: 1))])
        let mixed = BlockCommitment(block: block2.block, commit: block2.commit, receipts: block2.receipts,
                                    readings: block2.readings, state: block1.state)
        #expect { try store.commitBlock(mixed) } throws: { ($0 as? StoreError)?.code == .inconsistentBlock }
        // Receipts that do not match the transactions.
        let noReceipts = BlockCommitment(block: block2.block, commit: nil, receipts: [], readings: [], state: block2.state)
        #expect { try store.commitBlock(noReceipts) } throws: { ($0 as? StoreError)?.code == .inconsistentBlock }
        // A commit for another block.
        let wrongCommit = BlockCommitment(block: block2.block, commit: StoreChain.commit(for: block1.block.header),
                                          receipts: block2.receipts, readings: [], state: block2.state)
        #expect { try store.commitBlock(wrongCommit) } throws: { ($0 as? StoreError)?.code == .commitMismatch }

        #expect(try store.latestHeight() == 1)
        #expect(try store.latestStateRoot() == rootAfter1)
        #expect(try store.account(StoreChain.bob.publicKey.address)?.balance == 15)
        try store.commitBlock(block2)
        #expect(try store.account(StoreChain.bob.publicKey.address)?.balance == 16)
    }

    @Test(arguments: StoreKind.allCases)
    func commitsArriveLater(kind: StoreKind) throws {
        let test = try kind.make()
        var chain = test.chain
        chain.commitAtOnce = false
        let store = test.store
        let block1 = try chain.commit([])
        #expect(try store.commit(at: 1) == nil)
        let header1 = block1.block.header

        // A commit for a block the store does not hold, or for another block at a stored height.
        let unknown = try Commit(chainID: StoreChain.chain, height: 2, round: 0, blockID: header1.blockID,
                                 signatures: StoreChain.commit(for: header1).signatures)
        #expect { try store.attachCommit(unknown) } throws: { ($0 as? StoreError)?.code == .commitMismatch }
        let other = try Commit(chainID: StoreChain.chain, height: 1, round: 0, blockID: Hash256.zero,
                               signatures: StoreChain.commit(for: header1).signatures)
        #expect { try store.attachCommit(other) } throws: { ($0 as? StoreError)?.code == .commitMismatch }
        #expect(try store.commit(at: 1) == nil)

        let seen = StoreChain.commit(for: header1, round: 3)
        try store.attachCommit(seen)
        #expect(try store.commit(at: 1) == seen)

        // Block 2 carries the canonical commit of block 1, which replaces the one seen.
        let canonical = StoreChain.commit(for: header1, round: 0)
        let block2 = try chain.next([])
        let header2 = try BlockHeader(
            chainID: StoreChain.chain, height: 2, timeMillis: block2.block.header.timeMillis,
            previousBlockID: header1.blockID, lastCommitHash: canonical.hash,
            transactionsRoot: block2.block.header.transactionsRoot, readingsRoot: block2.block.header.readingsRoot,
            stateRoot: block2.block.header.stateRoot, validatorsHash: block2.block.header.validatorsHash,
            nextValidatorsHash: block2.block.header.nextValidatorsHash, proposer: block2.block.header.proposer)
        let withCanonical = BlockCommitment(block: try Block(header: header2, transactions: [], lastCommit: canonical),
                                            commit: nil, receipts: [], readings: [], state: block2.state)
        try store.commitBlock(withCanonical)
        #expect(try store.commit(at: 1) == canonical)
        #expect(try store.commit(at: 2) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func replayedTransactionsKeepEveryReceipt(kind: StoreKind) throws {
        let test = try kind.make()
        var chain = test.chain
        let transfer = chain.tx(StoreChain.alice, .transfer(to: StoreChain.bob.publicKey.address, amount: 5))
        try chain.commit([transfer])
        try chain.commit([transfer])
        let id = SignedEnvelope.transactionID(of: transfer)
        let all = try test.store.receipts(transactionID: id)
        #expect(all.map(\.location) == [TransactionLocation(height: 1, index: 0), TransactionLocation(height: 2, index: 0)])
        #expect(all.map(\.receipt.isOK) == [true, false])
        #expect(try test.store.receipt(transactionID: id)?.location.height == 1)
        // By block, in the order of its transactions.
        #expect(try test.store.receipts(height: 1).map(\.transactionID) == [id])
        #expect(try test.store.receipts(height: 2).map(\.isOK) == [false])
        #expect(try test.store.receipts(height: 0).isEmpty && test.store.receipts(height: 3).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func validatorSetChangesAreListedByHeight(kind: StoreKind) throws {
        let test = try kind.make()
        var chain = test.chain
        let another = SHA256Hasher.hash(Array("another validator set".utf8))
        for height in 1...5 {
            try chain.commit([], nextValidatorsHash: height % 2 == 0 ? another : StoreChain.genesis.validators.hash)
        }
        #expect(try test.store.validatorSetChangeHeights(below: 6) == [2, 4])
        #expect(try test.store.validatorSetChangeHeights(below: 4) == [2])
        #expect(try test.store.validatorSetChangeHeights(below: 2).isEmpty)
        #expect(try test.store.validatorSetChangeHeights(below: .max) == [2, 4])
    }

    @Test(arguments: StoreKind.allCases)
    func executionRunsOnTheStore(kind: StoreKind) throws {
        // The store is the executor's StateReader; the roots it yields match an in-memory replay.
        let test = try kind.make()
        var chain = test.chain
        var replay = try InMemoryStateStore(genesis: StoreChain.genesis)
        var envelopes: [[[UInt8]]] = [StoreChain.sensors.map { chain.tx(StoreChain.alice, StoreChain.registration($0)) }]
        for block in 0..<4 {
            envelopes.append(StoreChain.sensors.flatMap { sensor in
                (0..<5).map { chain.reading(sensor, timeMillis: 1_700_000_200_000 + UInt64(block * 10 + $0)) }
            })
        }
        for (index, block) in envelopes.enumerated() {
            let commitment = try chain.commit(block)
            let execution = try chain.executor.executeBlock(
                block, context: BlockContext(height: UInt64(index + 1), timeMillis: commitment.block.header.timeMillis),
                parentRoot: replay.root, state: replay)
            replay.apply(execution.state)
            #expect(execution.stateRoot == commitment.block.header.stateRoot)
            #expect(execution.receipts == commitment.receipts)
        }
        #expect(try test.store.latestStateRoot() == replay.root)
    }
}
