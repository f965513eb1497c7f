import Foundation

/// The subscribers to a node's committed blocks: each gets its own bounded stream.
struct CommitObservers: Sendable {
    /// Blocks a subscriber's stream buffers before it drops the oldest.
    static let bufferedBlocks = 4_096

    private var continuations: [UUID: AsyncStream<CommittedTransactions>.Continuation] = [:]

    /// A new subscriber's stream; `onTermination` runs when its consumer goes away (to call
    /// ``remove(_:)`` on the owner).
    mutating func add(onTermination: @escaping @Sendable (UUID) -> Void) -> AsyncStream<CommittedTransactions> {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(
            of: CommittedTransactions.self, bufferingPolicy: .bufferingNewest(Self.bufferedBlocks))
        continuation.onTermination = { _ in onTermination(id) }
        continuations[id] = continuation
        return stream
    }

    /// Forgets subscriber `id`.
    mutating func remove(_ id: UUID) {
        continuations[id] = nil
    }

    /// Hands a committed block to every subscriber.
    func publish(_ block: CommittedTransactions) {
        for continuation in continuations.values { continuation.yield(block) }
    }

    /// Ends every subscriber's stream.
    mutating func finishAll() {
        for continuation in continuations.values { continuation.finish() }
        continuations = [:]
    }
}
