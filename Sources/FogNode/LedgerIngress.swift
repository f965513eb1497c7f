public import FogCrypto

/// The transactions one committed block carried, in block order.
public struct CommittedTransactions: Hashable, Sendable {
    /// The block's height.
    public let height: UInt64
    /// The ids (payload hashes) of the block's envelopes.
    public let ids: [Hash256]

    /// Creates a value.
    public init(height: UInt64, ids: [Hash256]) {
        self.height = height
        self.ids = ids
    }
}

/// What an ingestion front end (the MQTT gateway) needs from a node: admit an envelope, and learn
/// which transactions each committed block carried.
public protocol LedgerIngress: Sendable {
    /// Admits one COSE_Sign1 envelope to the mempool; returns its transaction id.
    func submit(_ envelope: [UInt8]) async throws(SubmissionError) -> Hash256

    /// The committed blocks from now on, in height order, until the node stops. A consumer that
    /// falls thousands of blocks behind misses the oldest ones.
    func committedTransactions() async -> AsyncStream<CommittedTransactions>
}
