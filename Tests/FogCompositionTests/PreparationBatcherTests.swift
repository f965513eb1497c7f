import FogCrypto
import Foundation
import FogExecution
@testable import FogNode
import Synchronization
import Testing

/// Single submissions prepared together: every caller gets its own envelope's verdict, envelopes
/// that arrive while a batch is being prepared share the next one, and a lone envelope is prepared
/// at once.
@Suite struct PreparationBatcherTests {
    /// The sizes of the batches a batcher prepared, and the most prepared at the same time.
    final class Recorder: Sendable {
        private let state = Mutex((sizes: [Int](), running: 0, mostRunning: 0))
        var sizes: [Int] { state.withLock { $0.sizes } }
        var mostRunning: Int { state.withLock { $0.mostRunning } }

        func started(_ count: Int) {
            state.withLock {
                $0.sizes.append(count)
                $0.running += 1
                $0.mostRunning = max($0.mostRunning, $0.running)
            }
        }

        func ended() { state.withLock { $0.running -= 1 } }
    }

    static let sensor = DevChain.sensor.publicKey
    static let known: @Sendable (Address) -> PublicKey? = { $0 == sensor.address ? sensor : nil }

    /// A batcher over the dev chain's executor that records its batches; each batch takes at least
    /// `hold`, so that callers arriving meanwhile queue up behind it.
    static func batcher(maxRunning: Int, hold: TimeInterval = 0.02, recorder: Recorder) throws -> PreparationBatcher {
        let executor = try DevChain().node.executor
        return PreparationBatcher(maxRunning: maxRunning) { envelopes in
            recorder.started(envelopes.count)
            defer { recorder.ended() }
            let prepared = executor.prepareAll(envelopes, signerKey: known)
            if hold > 0 { Thread.sleep(forTimeInterval: hold) }
            return prepared
        }
    }

    @Test func concurrentCallersShareBatchesAndEachGetsItsOwnVerdict() async throws {
        let recorder = Recorder()
        let batcher = try Self.batcher(maxRunning: 1, recorder: recorder)
        let executor = try DevChain().node.executor
        // Valid readings, with a forged one and a non-envelope among them.
        var envelopes = (UInt64(1)...40).map { DevChain.reading(seq: $0) }
        envelopes[7] = DevChain.reading(DevChain.stranger, seq: 8)
        envelopes[23] = [0xA0]
        let prepared = await withTaskGroup(of: (Int, PreparedEnvelope).self) { group in
            for (index, envelope) in envelopes.enumerated() {
                group.addTask { (index, await batcher.prepare(envelope)) }
            }
            var results = [PreparedEnvelope?](repeating: nil, count: envelopes.count)
            for await (index, result) in group { results[index] = result }
            return results.compactMap { $0 }
        }
        let alone = envelopes.map { executor.prepare($0, signerKey: Self.known) }
        #expect(prepared.map(\.transactionID) == alone.map(\.transactionID))
        #expect(prepared.map(\.verifiedKey) == alone.map(\.verifiedKey))
        #expect(prepared.filter { $0.verifiedKey != nil }.count == 38)
        #expect(recorder.sizes.reduce(0, +) == envelopes.count)
        #expect(recorder.sizes.count < envelopes.count, "callers that waited were prepared together: \(recorder.sizes)")
        #expect(recorder.sizes.allSatisfy { $0 <= PreparationBatcher.maxBatch })
        #expect(recorder.mostRunning == 1)
    }

    @Test func aLoneEnvelopeIsPreparedAtOnceAndAloneEachTime() async throws {
        let recorder = Recorder()
        let batcher = try Self.batcher(maxRunning: 1, hold: 0, recorder: recorder)
        for seq in UInt64(1)...5 {
            let prepared = await batcher.prepare(DevChain.reading(seq: seq))
            #expect(prepared.verifiedKey == Self.sensor)
        }
        #expect(recorder.sizes == [1, 1, 1, 1, 1])
    }

    @Test func noMoreBatchesRunThanAllowed() async throws {
        let recorder = Recorder()
        let batcher = try Self.batcher(maxRunning: 2, hold: 0.005, recorder: recorder)
        await withTaskGroup(of: Void.self) { group in
            for seq in UInt64(1)...200 {
                group.addTask { _ = await batcher.prepare(DevChain.reading(seq: seq)) }
            }
        }
        #expect(recorder.sizes.reduce(0, +) == 200)
        #expect(recorder.mostRunning <= 2)
        #expect(recorder.sizes.allSatisfy { $0 <= PreparationBatcher.maxBatch })
    }
}
