public import Metrics

/// The node's metrics, created through an explicit factory (so tests and several nodes in one
/// process never share the global `MetricsSystem`).
public struct NodeMetrics: Sendable {
    /// The factory the metrics come from.
    public let factory: any MetricsFactory
    /// Blocks committed.
    public let blocks: Counter
    /// Envelopes committed in blocks.
    public let envelopes: Counter
    /// The latest height.
    public let height: Gauge
    /// Envelopes waiting in the mempool.
    public let mempool: Gauge
    /// Submissions accepted (the common case, made once rather than looked up per request).
    private let accepted: Counter

    /// Metrics made by `factory`.
    public init(factory: any MetricsFactory) {
        self.factory = factory
        blocks = Counter(label: "fogledger_blocks_committed_total", factory: factory)
        envelopes = Counter(label: "fogledger_envelopes_committed_total", factory: factory)
        height = Gauge(label: "fogledger_height", factory: factory)
        mempool = Gauge(label: "fogledger_mempool_envelopes", factory: factory)
        accepted = Counter(label: "fogledger_submissions_total", dimensions: [("result", "accepted")], factory: factory)
    }

    /// Counts one submission with its result (`accepted` or an error code).
    public func submission(_ result: String) {
        if result == "accepted" {
            accepted.increment()
            return
        }
        Counter(label: "fogledger_submissions_total", dimensions: [("result", result)], factory: factory).increment()
    }
}
