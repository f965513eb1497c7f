import FogP2P
import FogWire
public import Logging
public import ServiceLifecycle

/// Runs a ``ValidatorNode``: opens its P2P network, starts consensus at the height after the
/// store's latest, feeds it every network event (on the node's actor, except gossip and the
/// proposals behind it, which take an ordered lane), and re-sends and announces on a timer. On
/// graceful shutdown it closes the network and returns.
public struct ValidatorNodeService: Service {
    /// The node.
    public let node: ValidatorNode
    private let logger: Logger

    /// A service for `node`.
    public init(node: ValidatorNode, logger: Logger) {
        self.node = node
        self.logger = logger
    }

    /// The most gossip and proposal messages waiting for the lane that handles them in order; more
    /// are dropped (gossip is best effort, and proposals are re-sent every gossip interval).
    static let maxQueuedGossipEvents = 4_096
    /// The most gossiped envelopes waiting in that lane to be verified; a gossip message that would
    /// exceed it is dropped. A proposal waits behind every envelope queued before it, so this bounds
    /// its wait under a backlog (about 25 ms of verification per core on the reference machine); a
    /// block carrying dropped envelopes verifies them as it is checked.
    static let maxQueuedGossipEnvelopes = 1_024

    public func run() async throws {
        let node = node
        let network = node.network
        // Gossiped envelopes (and a proposal behind them) keep their order in a lane of their own,
        // so that a proposal still follows the envelopes a peer gossiped before it while votes and
        // the other events never wait for those envelopes' signatures to be verified.
        let (ordered, orderedInput) = AsyncStream.makeStream(
            of: P2PEvent.self, bufferingPolicy: .bufferingOldest(Self.maxQueuedGossipEvents))
        let backlog = GossipBacklog(limit: Self.maxQueuedGossipEnvelopes)
        node.handleEvents(queueingGossipIn: orderedInput, backlog: backlog)
        let port = try await network.start()
        logger.info("validator started", metadata: ["p2p-port": "\(port)", "address": "\(node.address)"])
        await node.startNextHeight()
        let interval = node.configuration.gossipInterval
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in ordered {
                    await node.receiveOffActor(event)
                    backlog.done(with: event)
                }
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
            orderedInput.finish()
            group.cancelAll()
        }
        logger.info("validator stopped", metadata: ["height": "\((try? node.store.latestHeight()) ?? 0)"])
    }
}
