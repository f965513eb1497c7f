import FogAPI
import FogConsensus
import FogCrypto
import FogGateway
import FogNode
import FogP2P
import FogStoreSQLite
import FogTypes
import Foundation
import Logging
import Prometheus
import ServiceLifecycle

/// `fogledger node --home DIR`: the validator node a `node.json` describes, with its HTTP API (and
/// the MQTT gateway when `gateway` is given), until SIGTERM or SIGINT.
struct ValidatorNodeRunner {
    let home: String
    let logLevel: String
    let gateway: GatewayOptions

    func run() async throws {
        let config = try ValidatorNodeConfig.read(home: home)
        var logger = Logger.standardError("fogledger.validator", level: Logger.Level(rawValue: logLevel) ?? .info)
        logger[metadataKey: "node"] = "\(config.name)"
        let dataPath = ValidatorNodeConfig.resolve(config.data, home: home)
        let lock = try DataDirectoryLock(directory: dataPath)
        defer { lock.release() }
        let genesisPath = ValidatorNodeConfig.resolve(config.genesis, home: home)
        guard let genesisBytes = FileManager.default.contents(atPath: genesisPath) else {
            throw CLIError("io-error", "cannot read \(genesisPath)")
        }
        let genesis: Genesis
        do {
            genesis = try Genesis.decode(Array(genesisBytes))
        } catch {
            throw CLIError("invalid-genesis", "\(genesisPath): \(error)")
        }
        let validatorKey = try KeyFile.read(ValidatorNodeConfig.resolve(config.validatorKey, home: home))
        let nodeKey = try KeyFile.read(ValidatorNodeConfig.resolve(config.nodeKey, home: home))
        if genesis.validators.validator(validatorKey.publicKey.address) == nil {
            logger.warning("the validator key is not in the genesis set: this node follows the chain without signing")
        }
        try await serve(config, genesis, validatorKey, nodeKey, dataPath, logger)
    }

    private func serve(_ config: ValidatorNodeConfig, _ genesis: Genesis, _ validatorKey: PrivateKey, _ nodeKey: PrivateKey,
                       _ dataPath: String, _ logger: Logger) async throws {
        var peers: [PersistentPeer] = []
        for peer in config.peers {
            guard let id = Address(hex: peer.nodeID) else {
                throw CLIError("invalid-config", "peer node id \(peer.nodeID) is not an address")
            }
            peers.append(PersistentPeer(host: peer.host, port: peer.port, nodeID: id))
        }
        let store = try SQLiteLedgerStore(path: "\(dataPath)/ledger.sqlite", genesis: genesis)
        let p2p = P2PConfiguration(identity: try NodeIdentity(privateKey: nodeKey), chainID: genesis.chainID,
                                   genesisHash: genesis.hash, listenHost: config.p2pHost, listenPort: config.p2pPort,
                                   persistentPeers: peers)
        let node = try ValidatorNode(
            genesis: genesis, validatorKey: validatorKey, store: store, walPath: "\(dataPath)/consensus.wal", p2p: p2p,
            configuration: ValidatorNodeConfiguration(
                timeouts: ConsensusTimeouts(commitDelay: config.commitDelayMs),
                emptyBlockInterval: .milliseconds(config.emptyBlockIntervalMs ?? ValidatorNodeConfiguration.defaultEmptyBlockIntervalMillis)),
            logger: logger)
        let api = NodeAPI(node: node, registry: PrometheusCollectorRegistry())
        sayToSupervisor("""
            FogLedger validator \(config.name) — chain \(genesis.chainID), height \(try store.latestHeight())
            validator: \(validatorKey.publicKey.address.hex)
            p2p:       \(config.p2pHost):\(config.p2pPort) (node id \(nodeKey.publicKey.address.hex), \(peers.count) peers)
            """)
        let app = api.application(host: config.httpHost, port: config.httpPort, logger: logger) { bound in
            sayToSupervisor("API: http://\(config.httpHost):\(bound)/v1/status")
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: ValidatorNodeService(node: node, logger: logger)),
        ]
        if let gateway = try gateway.configuration(ledger: node, dataDirectory: dataPath) {
            services.append(.init(service: GatewayService(
                ingress: node, chainID: genesis.chainID, configuration: gateway,
                metrics: GatewayMetrics(factory: api.metrics.factory), logger: logger)))
            sayToSupervisor("MQTT gateway: \(gateway.broker) (\(gateway.readingsFilter))"
                + (gateway.gatewayMode.map { " and gateway mode as \($0.accountKey.publicKey.address.hex)" } ?? ""))
        }
        services.append(.init(service: app))
        // Shutdown runs in reverse order: the API stops, then the gateway, then consensus.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
        sayToSupervisor("stopped at height \(try store.latestHeight())")
    }
}
