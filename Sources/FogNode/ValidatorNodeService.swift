public import Logging
public import ServiceLifecycle

/// Runs a ``ValidatorNode``: opens its P2P network, starts consensus at the height after the
/// store's latest, feeds it every network event, and re-sends and announces on a timer. On graceful
/// shutdown it closes the network and returns.
public struct ValidatorNodeService: Service {
    /// The node.
    public let node: ValidatorNode
    private let logger: Logger

    /// A service for `node`.
    public init(node: ValidatorNode, logger: Logger) {
        self.node = node
        self.logger = logger
    }

    public func run() async throws {
        let node = node
        let network = node.network
        let port = try await network.start()
        logger.info("validator started", metadata: ["p2p-port": "\(port)", "address": "\(node.address)"])
        await node.startNextHeight()
        let interval = node.configuration.gossipInterval
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in network.events { await node.receiveOffActor(event) }
            }
            group.addTask {
                while !Task.isCancelled {
                    do { try await Task.sleep(for: interval) } catch { return }
                    await node.tick()
                }
            }
            try? await gracefulShutdown()
            await node.stop()
            await network.shutdown()
            group.cancelAll()
        }
        logger.info("validator stopped", metadata: ["height": "\((try? node.store.latestHeight()) ?? 0)"])
    }
}
