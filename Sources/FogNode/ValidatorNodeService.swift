import FogP2P
import FogWire
public import Logging
public import ServiceLifecycle

/// Runs a ``ValidatorNode``: opens its P2P network, starts consensus at the height after the
/// store's latest, feeds it every network event (gossip and proposals in one ordered lane, the rest
/// in another), and re-sends and announces on a timer. On graceful shutdown it closes the network
/// and returns.
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

    /// Whether `event` goes to the ordered lane: gossiped envelopes and proposals.
    static func followsGossip(_ event: P2PEvent) -> Bool {
        switch event {
        case .message(_, .transactions), .message(_, .proposal): return true
        default: return false
        }
    }

    public func run() async throws {
        let node = node
        let network = node.network
        let port = try await network.start()
        logger.info("validator started", metadata: ["p2p-port": "\(port)", "address": "\(node.address)"])
        await node.startNextHeight()
        let interval = node.configuration.gossipInterval
        await withTaskGroup(of: Void.self) { group in
            // Gossiped envelopes and proposals keep their order in a lane of their own, so that a
            // proposal still follows the envelopes a peer gossiped before it while votes and the
            // other events never wait for those envelopes' signatures to be verified.
            let (ordered, orderedInput) = AsyncStream.makeStream(
                of: P2PEvent.self, bufferingPolicy: .bufferingOldest(Self.maxQueuedGossipEvents))
            let backlog = GossipBacklog(limit: Self.maxQueuedGossipEnvelopes)
            group.addTask {
                for await event in ordered {
                    await node.receiveOffActor(event)
                    backlog.done(with: event)
                }
            }
            group.addTask {
                for await event in network.events {
                    if Self.followsGossip(event) {
                        if backlog.admits(event) { orderedInput.yield(event) }
                    } else {
                        await node.receiveOffActor(event)
                    }
                }
                orderedInput.finish()
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
