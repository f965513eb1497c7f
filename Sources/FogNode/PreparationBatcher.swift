import FogExecution
import Synchronization

/// Prepares envelopes submitted one per request together, so that their signatures are checked as
/// one batch (``FogCrypto/SignatureBatch``: about 22 µs a signature in a batch of 32, against 70 µs
/// alone; docs/benchmarks.md, "Round 6").
///
/// One preparation runs at a time (``init(maxRunning:prepareAll:)``). An envelope that finds none
/// running starts one: it first lets requests already being handled on other threads of the pool
/// join (one `Task.yield()`), then prepares itself with every envelope waiting. Envelopes that
/// arrive while a preparation runs wait, and the next batch takes them all (up to ``maxBatch``).
/// Nothing waits for a batch to fill: a lone envelope costs what it did alone, and batches grow with
/// the requests in flight. (Waiting up to 2 ms for a fuller batch was measured and cost more than it
/// saved: clients that send one request at a time then send fewer.) The caller whose envelope
/// starts a batch waits for that batch only; the next one runs in a task of its own.
final class PreparationBatcher: Sendable {
    /// The most envelopes prepared as one batch, which bounds the wait a batch adds to its envelopes.
    static let maxBatch = 64

    private struct Waiting: Sendable {
        let envelope: [UInt8]
        let continuation: CheckedContinuation<PreparedEnvelope, Never>
    }

    private struct State {
        var waiting: [Waiting] = []
        var running = 0

        /// Takes up to `limit` of the waiting envelopes, oldest first.
        mutating func takeBatch(upTo limit: Int) -> [Waiting] {
            let count = min(waiting.count, limit)
            let batch = Array(waiting.prefix(count))
            waiting.removeFirst(count)
            return batch
        }
    }

    private let state = Mutex(State())
    private let maxRunning: Int
    private let prepareAll: @Sendable (ArraySlice<[UInt8]>) -> [PreparedEnvelope]

    /// A batcher that prepares with `prepareAll` (one result per envelope, in order, as
    /// ``Executor/prepareAll(_:signerKey:)`` returns them), at most `maxRunning` batches at a time.
    init(maxRunning: Int = 1,
         prepareAll: @escaping @Sendable (ArraySlice<[UInt8]>) -> [PreparedEnvelope]) {
        self.maxRunning = max(1, maxRunning)
        self.prepareAll = prepareAll
    }

    /// `envelope` prepared, possibly in one batch with envelopes other callers submitted meanwhile.
    func prepare(_ envelope: [UInt8]) async -> PreparedEnvelope {
        let leads = state.withLock { state in
            guard state.running < maxRunning else { return false }
            state.running += 1
            return true
        }
        guard leads else {
            return await withCheckedContinuation { continuation in
                let batch = state.withLock { state -> [Waiting]? in
                    state.waiting.append(Waiting(envelope: envelope, continuation: continuation))
                    // A preparation may have ended between the two locks, leaving no one to start this.
                    guard state.running < maxRunning else { return nil }
                    state.running += 1
                    return state.takeBatch(upTo: Self.maxBatch)
                }
                if let batch { Task { self.run(batch) } }
            }
        }
        // Requests that are already being handled on other threads of the pool get to join first.
        await Task.yield()
        let joining = state.withLock { $0.takeBatch(upTo: Self.maxBatch - 1) }
        let prepared = prepareAll(([envelope] + joining.map(\.envelope))[...])
        answer(joining, with: prepared.dropFirst())
        finish()
        return prepared[0]
    }

    /// Prepares `batch`, answers its callers, and hands on.
    private func run(_ batch: [Waiting]) {
        answer(batch, with: prepareAll(batch.map(\.envelope)[...])[...])
        finish()
    }

    private func answer(_ batch: [Waiting], with prepared: ArraySlice<PreparedEnvelope>) {
        precondition(prepared.count == batch.count, "prepareAll returns one result per envelope")
        for (waiting, result) in zip(batch, prepared) { waiting.continuation.resume(returning: result) }
    }

    /// Ends a preparation: what waited meanwhile goes to a new task, or the place is given up.
    private func finish() {
        let next = state.withLock { state -> [Waiting]? in
            guard !state.waiting.isEmpty else {
                state.running -= 1
                return nil
            }
            return state.takeBatch(upTo: Self.maxBatch)
        }
        if let next { Task { self.run(next) } }
    }
}
