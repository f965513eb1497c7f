import FogCrypto
import FogExecution
import FogStore
import Foundation

/// What both node kinds share when many envelopes arrive in one submission: preparing them on every
/// core, and admitting them in order with one rule for a full mempool.
enum BulkAdmission {
    /// Below this many envelopes per core, preparing them in one task costs less than spreading them.
    static let envelopesPerTask = 16

    /// The cores a preparation spreads over, read once: Foundation reads the cgroup's CPU quota
    /// from files on every `activeProcessorCount`, which was 0.5 % of four validators' CPU when
    /// asked on each gossip message and submission.
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// Prepares `envelopes` (decoding and, with a known key, the signature check: `prepareAll`, as
    /// ``Executor/prepareAll(_:signerKey:)`` does) in contiguous slices on up to one task per core;
    /// the result is in the envelopes' order.
    static func prepare(_ envelopes: [[UInt8]],
                        with prepareAll: @escaping @Sendable (ArraySlice<[UInt8]>) -> [PreparedEnvelope]) async -> [PreparedEnvelope] {
        let tasks = min(cores, envelopes.count / envelopesPerTask)
        guard tasks > 1 else { return prepareAll(envelopes[...]) }
        let sliceSize = (envelopes.count + tasks - 1) / tasks
        return await withTaskGroup(of: (Int, [PreparedEnvelope]).self) { group in
            for start in stride(from: 0, to: envelopes.count, by: sliceSize) {
                let slice = envelopes[start..<min(envelopes.count, start + sliceSize)]
                group.addTask { (start, prepareAll(slice)) }
            }
            var slices: [(Int, [PreparedEnvelope])] = []
            for await slice in group { slices.append(slice) }
            return slices.sorted { $0.0 < $1.0 }.flatMap { $0.1 }
        }
    }

    /// Admits `envelopes` one after another with `admit`, one result each, in order. Once one is
    /// refused as unavailable (`mempool-full`, `store-unavailable`), the rest are refused with the
    /// same error without being tried, so that a client resending that suffix keeps its order.
    static func inOrder(_ envelopes: [PreparedEnvelope],
                        _ admit: (PreparedEnvelope) throws(SubmissionError) -> Hash256) -> [Result<Hash256, SubmissionError>] {
        var results: [Result<Hash256, SubmissionError>] = []
        results.reserveCapacity(envelopes.count)
        for envelope in envelopes {
            if case .failure(let refusal)? = results.last, refusal.kind == .unavailable {
                results.append(.failure(refusal))
                continue
            }
            do throws(SubmissionError) {
                results.append(.success(try admit(envelope)))
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }

    /// `results` with each refusal answered as ``SubmissionError/resolvingCommitted(_:in:)`` does for
    /// the envelope at the same index: the store is read only for sequence and nonce refusals.
    static func resolvingCommitted(_ results: [Result<Hash256, SubmissionError>], of envelopes: [PreparedEnvelope],
                                   in store: any LedgerStore) -> [Result<Hash256, SubmissionError>] {
        zip(results, envelopes).map { result, envelope in
            result.mapError { $0.resolvingCommitted(envelope.transactionID, in: store) }
        }
    }
}
