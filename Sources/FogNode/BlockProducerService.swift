public import Logging
public import ServiceLifecycle

/// Drives a ``DevNode``: every `pollInterval` it commits a block when envelopes are pending (at most
/// one per ``DevNodeConfiguration/minBlockInterval``), or an empty one when
/// ``DevNodeConfiguration/emptyBlockInterval`` has passed. On graceful shutdown it commits what is
/// pending (drain, flush) and returns.
public struct BlockProducerService: Service {
    /// The node.
    public let node: DevNode
    /// How often it looks for pending envelopes.
    public let pollInterval: Duration
    private let metrics: NodeMetrics?
    private let logger: Logger

    /// A producer for `node`, recording to `metrics` when given.
    public init(node: DevNode, pollInterval: Duration = .milliseconds(5), metrics: NodeMetrics? = nil, logger: Logger) {
        self.node = node
        self.pollInterval = pollInterval
        self.metrics = metrics
        self.logger = logger
    }

    private func record(_ block: CommittedBlock) {
        metrics?.blocks.increment()
        metrics?.envelopes.increment(by: block.envelopes)
        metrics?.height.record(Double(block.header.height))
    }

    public func run() async throws {
        let clock = ContinuousClock()
        let configuration = node.configuration
        var lastBlock = clock.now
        logger.info("block producer started")
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                break  // cancelled
            }
            let elapsed = clock.now - lastBlock
            guard elapsed >= configuration.minBlockInterval else { continue }
            let allowEmpty = configuration.emptyBlockInterval.map { elapsed >= $0 } ?? false
            if let block = try await node.produceBlock(allowEmpty: allowEmpty) {
                record(block)
                lastBlock = clock.now
            }
        }
        // Drain: whatever was admitted before shutdown is committed.
        if let block = try await node.produceBlock() {
            record(block)
            logger.info("committed the pending envelopes on shutdown", metadata: ["height": "\(block.header.height)"])
        }
        logger.info("block producer stopped")
    }
}
