import FogConsensus
import FogCrypto
import FogExecution
import FogNode
import FogP2P
import FogStore
import FogStoreSQLite
import FogTypes
import Foundation
import Logging
import ServiceLifecycle

/// Validators of one chain in this process: each a real ``ValidatorNode`` with a SQLite store and a
/// WAL in a temporary folder, talking TLS over 127.0.0.1 through a real `P2PNetwork`. Nodes can be
/// stopped and started again on the same folder.
final class ValidatorCluster: @unchecked Sendable {
    static let chainID = try! ChainID("fogledger-cluster")
    static let genesisTime: UInt64 = 1_767_225_600_000

    static func key(_ tag: UInt8) -> PrivateKey { DevChain.key(tag) }
    static func validatorKey(_ index: Int) -> PrivateKey { key(60 + UInt8(index)) }
    static func nodeKey(_ index: Int) -> PrivateKey { key(70 + UInt8(index)) }
    static let operatorKey = DevChain.operatorKey

    let genesis: Genesis
    let folder: URL
    let count: Int
    let ports: [Int]
    let configuration: ValidatorNodeConfiguration
    /// Extra persistent peers of each node (test peers), by node index, used when a node starts.
    var extraPeers: [Int: [PersistentPeer]] = [:]
    private(set) var stores: [SQLiteLedgerStore] = []
    private var running: [Int: (node: ValidatorNode, group: ServiceGroup, task: Task<Void, any Error>)] = [:]

    /// A chain whose validators are `count` nodes (power 1 each, every validator also an account).
    init(count: Int = 4, configuration: ValidatorNodeConfiguration = ValidatorCluster.fastConfiguration) throws {
        self.count = count
        self.configuration = configuration
        let set = try ValidatorSet((0..<count).map { try Validator(publicKey: Self.validatorKey($0).publicKey, power: 1) })
        genesis = try Genesis(chainID: Self.chainID, timeMillis: Self.genesisTime, consensus: .poa, validators: set,
                              accounts: [GenesisAccount(publicKey: Self.operatorKey.publicKey, balance: 1_000_000)]
                                  + (0..<count).map { GenesisAccount(publicKey: Self.validatorKey($0).publicKey, balance: 0) })
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("fog-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Consecutive ports from a random base below the ephemeral range (32768 up).
        let base = 12_000 + Int.random(in: 0..<2_500) * 8
        ports = (0..<count).map { base + $0 }
        for index in 0..<count {
            stores.append(try SQLiteLedgerStore(path: folder.appendingPathComponent("ledger\(index).sqlite").path,
                                                genesis: genesis))
        }
    }

    /// Short timeouts for tests: a small commit delay and frequent empty blocks.
    static let fastConfiguration = ValidatorNodeConfiguration(
        timeouts: ConsensusTimeouts(commitDelay: 2), emptyBlockInterval: .milliseconds(200),
        gossipInterval: .milliseconds(200))

    /// The running node `index`.
    func node(_ index: Int) -> ValidatorNode { running[index]!.node }

    /// Starts node `index` (again) on its store and WAL.
    func start(_ index: Int) throws {
        precondition(running[index] == nil, "node \(index) runs already")
        var logger = Logger(label: "validator\(index)")
        logger.logLevel = .warning
        let peers = (0..<count).filter { $0 != index }.map {
            PersistentPeer(host: "127.0.0.1", port: ports[$0], nodeID: Self.nodeKey($0).publicKey.address)
        } + (extraPeers[index] ?? [])
        let p2p = P2PConfiguration(
            identity: try NodeIdentity(privateKey: Self.nodeKey(index)), chainID: genesis.chainID, genesisHash: genesis.hash,
            listenPort: ports[index], persistentPeers: peers,
            backoff: ReconnectBackoff(initialMilliseconds: 50, maximumMilliseconds: 400), backoffSeed: UInt64(index))
        let node = try ValidatorNode(genesis: genesis, validatorKey: Self.validatorKey(index), store: stores[index],
                                     walPath: folder.appendingPathComponent("wal\(index)").path, p2p: p2p,
                                     configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: ValidatorNodeService(node: node, logger: logger))], logger: logger))
        running[index] = (node, group, Task { try await group.run() })
    }

    /// Starts every node.
    func startAll() throws {
        for index in 0..<count { try start(index) }
    }

    /// Stops node `index` gracefully and waits until it has.
    func stop(_ index: Int) async {
        guard let entry = running.removeValue(forKey: index) else { return }
        await entry.group.triggerGracefulShutdown()
        _ = try? await entry.task.value
    }

    /// Stops every node and removes the folder.
    func shutdown() async {
        for index in running.keys.sorted() { await stop(index) }
        try? FileManager.default.removeItem(at: folder)
    }

    /// The latest height of node `index`'s store.
    func height(_ index: Int) -> UInt64 { (try? stores[index].latestHeight()) ?? 0 }

    /// Waits until every node in `nodes` reached `height`.
    func waitHeights(atLeast height: UInt64, nodes: [Int], within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if nodes.allSatisfy({ self.height($0) >= height }) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ClusterTimeout(description: "heights \(nodes.map { self.height($0) }) did not reach \(height)")
    }

    /// Waits until transaction `id` has a receipt in the store of every node in `nodes`.
    func waitCommitted(_ id: Hash256, nodes: [Int], within limit: Duration) async throws -> StoredReceipt {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let receipts = nodes.compactMap { try? stores[$0].receipt(transactionID: id) }
            if receipts.count == nodes.count, let first = receipts.first { return first }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ClusterTimeout(description: "transaction \(id) not committed on nodes \(nodes)")
    }

    /// Whether every node in `nodes` has the same block at every height they all have.
    func sameChain(nodes: [Int]) throws -> Bool {
        let common = nodes.map { height($0) }.min() ?? 0
        guard common > 0 else { return true }
        for height in 1...common {
            let ids = Set(try nodes.map { try stores[$0].header(at: height)?.blockID })
            if ids.count != 1 { return false }
        }
        return true
    }
}

/// The cluster did not reach a state in time.
struct ClusterTimeout: Error, CustomStringConvertible {
    let description: String
}
