import ArgumentParser
import FogAPI
import FogCore
import FogCrypto
import FogGateway
import FogNode
import FogStoreSQLite
import FogTypes
import Foundation
import Logging
import Prometheus
import ServiceLifecycle

/// `fogledger node --dev`: a single-validator chain on embedded storage with the HTTP API.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a node: --dev --data DIR for a single-validator development chain, --home DIR for a validator of a network; each with its HTTP API.")

    @Flag(name: .long, help: "Run a single-validator development chain.")
    var dev = false

    @Option(name: .long, help: "Data directory: genesis, keys and the SQLite store (created when missing).")
    var data: String?

    @Option(name: .long, help: "Run the validator node of this folder (made by fogledger init; holds node.json).")
    var home: String?

    @Option(name: .long, help: "HTTP API address host:port (port 0: any free port).")
    var http: String = "127.0.0.1:8080"

    @Option(name: .long, help: "Least milliseconds between blocks.")
    var blockIntervalMs: Int = 10

    @Option(name: .long, help: "Also commit an empty block after this many milliseconds without one (default: never).")
    var emptyBlockMs: Int?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @OptionGroup(title: "MQTT gateway")
    var gateway: GatewayOptions

    func run() async throws {
        if let home, !dev {
            try await ValidatorNodeRunner(home: home, logLevel: logLevel, gateway: gateway).run()
            return
        }
        guard dev, let data else {
            throw CLIError("invalid-argument", "run fogledger node --dev --data DIR, or fogledger node --home DIR")
        }
        let (host, port) = try parseAddress(http)
        let logger = Logger.standardError("fogledger.node", level: Logger.Level(rawValue: logLevel) ?? .info)
        // One node per data directory: a second producer on the same store would fork nothing (the
        // store refuses a block that is not the next) but would fail. The lock is taken before any
        // file is created and lasts as long as the process.
        let lock = try DataDirectoryLock(directory: data)
        defer { lock.release() }
        let chain = try DevChainFiles.openOrCreate(directory: data)
        let store = try SQLiteLedgerStore(path: chain.storePath, genesis: chain.genesis)
        let node = try DevNode(
            genesis: chain.genesis, validatorKey: chain.validatorKey, store: store,
            configuration: DevNodeConfiguration(
                minBlockInterval: .milliseconds(max(1, blockIntervalMs)),
                emptyBlockInterval: emptyBlockMs.map { .milliseconds(max(1, $0)) }),
            logger: logger)
        let api = NodeAPI(node: node, registry: PrometheusCollectorRegistry())
        let producer = BlockProducerService(node: node, metrics: api.metrics, logger: logger)
        let height = try store.latestHeight()
        sayToSupervisor("""
            FogLedger dev node — chain \(chain.genesis.chainID), height \(height)
            genesis:       \(chain.genesisPath) (hash \(chain.genesis.hash.hex))
            validator key: \(chain.validatorKeyPath)
            operator key:  \(chain.operatorKeyPath) (address \(chain.operatorKey.publicKey.address.hex))
            store:         \(chain.storePath)
            """)
        let app = api.application(host: host, port: port, logger: logger) { bound in
            sayToSupervisor("API: http://\(host):\(bound)/v1/status")
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: producer)]
        if let configuration = try gateway.configuration(ledger: node, dataDirectory: data) {
            services.append(.init(service: GatewayService(
                ingress: node, chainID: chain.genesis.chainID, configuration: configuration,
                metrics: GatewayMetrics(factory: api.metrics.factory), logger: logger)))
            sayToSupervisor("MQTT gateway: \(configuration.broker) (\(configuration.readingsFilter))")
        }
        services.append(.init(service: app))
        // Shutdown runs in reverse order: the HTTP server stops accepting first, then the gateway
        // stops reading, then the producer commits what is pending and returns.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
        sayToSupervisor("stopped at height \(try store.latestHeight())")
    }

    private func parseAddress(_ text: String) throws(CLIError) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65_535).contains(port), colon != text.startIndex
        else { throw CLIError("invalid-argument", "--http must be host:port, found \(text)") }
        return (String(text[..<colon]), port)
    }
}

/// An exclusive `flock` on `DIR/node.lock`, held until released or the process exits.
struct DataDirectoryLock {
    private let descriptor: Int32

    init(directory: String) throws(CLIError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw CLIError("io-error", "cannot create \(directory): \(error.localizedDescription)")
        }
        let path = URL(fileURLWithPath: directory).appendingPathComponent("node.lock").path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CLIError("io-error", "cannot open \(path)") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw CLIError("data-in-use", "another node is running on \(directory) (\(path) is locked)")
        }
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// The files of a dev chain in its data directory: the validator and operator key files (mode 0600),
/// genesis.cbor (the canonical Genesis encoding), and the SQLite store. Created once, reused after.
struct DevChainFiles {
    let genesis: Genesis
    let validatorKey: PrivateKey
    let operatorKey: PrivateKey
    let genesisPath: String
    let validatorKeyPath: String
    let operatorKeyPath: String
    let storePath: String

    static func openOrCreate(directory: String) throws -> DevChainFiles {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true,
                               attributes: [.posixPermissions: 0o700])
        let base = URL(fileURLWithPath: directory)
        let genesisPath = base.appendingPathComponent("genesis.cbor").path
        let validatorPath = base.appendingPathComponent("validator.key").path
        let operatorPath = base.appendingPathComponent("operator.key").path
        let storePath = base.appendingPathComponent("ledger.sqlite").path
        if !fm.fileExists(atPath: validatorPath) {
            var generator = SystemRandomNumberGenerator()
            try KeyFile.write(PrivateKey.generate(.ed25519, using: &generator), to: validatorPath)
        }
        if !fm.fileExists(atPath: operatorPath) {
            var generator = SystemRandomNumberGenerator()
            try KeyFile.write(PrivateKey.generate(.ed25519, using: &generator), to: operatorPath)
        }
        let validatorKey = try KeyFile.read(validatorPath)
        let operatorKey = try KeyFile.read(operatorPath)
        let genesis: Genesis
        if let data = fm.contents(atPath: genesisPath) {
            do {
                genesis = try Genesis.decode(Array(data))
            } catch {
                throw CLIError("invalid-genesis", "\(genesisPath): \(error)")
            }
            guard genesis.validators.validator(validatorKey.publicKey.address) != nil else {
                throw CLIError("invalid-genesis", "\(genesisPath) does not name \(validatorPath) as its validator")
            }
        } else {
            genesis = try DevGenesis.make(
                chainID: try ChainID(DefaultChain.id), timeMillis: DevNode.wallClockMillis(),
                validator: validatorKey.publicKey, operatorKey: operatorKey.publicKey)
            guard fm.createFile(atPath: genesisPath, contents: Data(genesis.encoded), attributes: [.posixPermissions: 0o644]) else {
                throw CLIError("io-error", "cannot write \(genesisPath)")
            }
        }
        return DevChainFiles(genesis: genesis, validatorKey: validatorKey, operatorKey: operatorKey,
                             genesisPath: genesisPath, validatorKeyPath: validatorPath, operatorKeyPath: operatorPath,
                             storePath: storePath)
    }
}
