public import Metrics

/// The gateway's metrics, made by an explicit factory (the node's), so several gateways in one
/// process never share the global `MetricsSystem`.
public struct GatewayMetrics: Sendable {
    /// The factory the metrics come from.
    public let factory: any MetricsFactory
    /// Messages received on the gateway's topics.
    public let received: Counter
    /// Envelopes admitted to the mempool.
    public let accepted: Counter
    /// Committed acks published.
    public let committedAcks: Counter
    /// Acks that could not be published (the connection was lost for good).
    public let ackFailures: Counter
    /// Pending transactions forgotten because the tracking table was full (no committed ack).
    public let untracked: Counter
    /// 1 while the gateway has stopped reading because the mempool is full, else 0.
    public let paused: Gauge
    /// Seconds spent paused in all.
    public let pausedSeconds: FloatingPointCounter

    /// Metrics made by `factory`.
    public init(factory: any MetricsFactory) {
        self.factory = factory
        received = Counter(label: "fogledger_gateway_messages_received_total", factory: factory)
        accepted = Counter(label: "fogledger_gateway_accepted_total", factory: factory)
        committedAcks = Counter(label: "fogledger_gateway_committed_acks_total", factory: factory)
        ackFailures = Counter(label: "fogledger_gateway_ack_failures_total", factory: factory)
        untracked = Counter(label: "fogledger_gateway_untracked_total", factory: factory)
        paused = Gauge(label: "fogledger_gateway_paused", factory: factory)
        pausedSeconds = FloatingPointCounter(label: "fogledger_gateway_paused_seconds_total", factory: factory)
    }

    /// Counts one rejected message by its code.
    public func rejected(_ code: String) {
        Counter(label: "fogledger_gateway_rejected_total", dimensions: [("code", code)], factory: factory).increment()
    }
}
