import ArgumentParser
import FogCrypto
import FogNode
import FogTypes
import Foundation

/// `fogledger init --validators N --out DIR`: a local validator network's files — the genesis
/// (canonical CBOR), a funded operator key, and one folder per node with its validator and node
/// keys (mode 0600) and `node.json` (ports on 127.0.0.1, every other node as a persistent peer).
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the genesis, keys and node configurations of a local validator network.")

    /// The most validators a local network gets.
    static let maxValidators = 64

    @Option(name: .long, help: "Number of validators (1-\(InitCommand.maxValidators)).")
    var validators: Int

    @Option(name: .long, help: "Consensus mode: poa or dpos.")
    var consensus: String = "poa"

    @Option(name: .long, help: "Output folder (must not exist or be empty).")
    var out: String

    @Option(name: .long, help: "Chain id.")
    var chainId: String = "fog-local"

    @Option(name: .long, help: "P2P port of node0; node K listens on this plus K.")
    var p2pPort: Int = 26_600

    @Option(name: .long, help: "HTTP API port of node0; node K serves on this plus K.")
    var httpPort: Int = 8_600

    @Option(name: .long, help: "Least milliseconds between committing a block and starting the next height.")
    var commitDelayMs: UInt64 = ValidatorNodeConfiguration.defaultCommitDelayMillis

    @Option(name: .long, help: "Milliseconds after a commit at which an empty block is proposed when nothing is pending.")
    var emptyBlockIntervalMs: UInt64 = 1_000

    func run() throws {
        guard (1...Self.maxValidators).contains(validators) else {
            throw CLIError("invalid-argument", "--validators must be 1-\(Self.maxValidators)")
        }
        guard let mode = ConsensusMode(rawValue: consensus) else {
            throw CLIError("invalid-argument", "--consensus must be poa or dpos")
        }
        for base in [p2pPort, httpPort] where base < 1 || base + validators > 65_535 {
            throw CLIError("invalid-argument", "port \(base) leaves no room for \(validators) nodes")
        }
        let fm = FileManager.default
        if let existing = try? fm.contentsOfDirectory(atPath: out), !existing.isEmpty {
            throw CLIError("invalid-argument", "\(out) is not empty")
        }
        try fm.createDirectory(atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var generator = SystemRandomNumberGenerator()
        let validatorKeys = (0..<validators).map { _ in PrivateKey.generate(.ed25519, using: &generator) }
        let nodeKeys = (0..<validators).map { _ in PrivateKey.generate(.ed25519, using: &generator) }
        let operatorKey = PrivateKey.generate(.ed25519, using: &generator)
        let set = try ValidatorSet(validatorKeys.map { try Validator(publicKey: $0.publicKey, power: 1) })
        let genesis = try Genesis(chainID: try ChainID(chainId), timeMillis: DevNode.wallClockMillis(), consensus: mode,
                                  validators: set,
                                  accounts: [GenesisAccount(publicKey: operatorKey.publicKey, balance: DevGenesis.operatorBalance)]
                                      + validatorKeys.map { GenesisAccount(publicKey: $0.publicKey, balance: 0) })
        let base = URL(fileURLWithPath: out)
        guard fm.createFile(atPath: base.appendingPathComponent("genesis.cbor").path, contents: Data(genesis.encoded),
                            attributes: [.posixPermissions: 0o644])
        else { throw CLIError("io-error", "cannot write genesis.cbor") }
        try KeyFile.write(operatorKey, to: base.appendingPathComponent("operator.key").path)
        for index in 0..<validators {
            let home = base.appendingPathComponent(NetworkLayout.nodeName(index)).path
            try fm.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try KeyFile.write(validatorKeys[index], to: "\(home)/validator.key")
            try KeyFile.write(nodeKeys[index], to: "\(home)/node.key")
            let peers = (0..<validators).filter { $0 != index }.map {
                ValidatorNodeConfig.Peer(nodeID: nodeKeys[$0].publicKey.address.hex, host: "127.0.0.1", port: p2pPort + $0)
            }
            try ValidatorNodeConfig(
                name: NetworkLayout.nodeName(index), genesis: "../genesis.cbor", validatorKey: "validator.key",
                nodeKey: "node.key", data: "data", p2pHost: "127.0.0.1", p2pPort: p2pPort + index, httpHost: "127.0.0.1",
                httpPort: httpPort + index, commitDelayMs: commitDelayMs, peers: peers,
                emptyBlockIntervalMs: emptyBlockIntervalMs
            ).write(home: home)
        }
        print("""
            initialised \(validators) validators (\(consensus)) in \(out)
            chain \(genesis.chainID), genesis hash \(genesis.hash.hex)
            operator key: \(base.appendingPathComponent("operator.key").path) (address \(operatorKey.publicKey.address.hex))
            run one node: fogledger node --home \(base.appendingPathComponent("node0").path)
            run them all: fogledger network up --home \(out)
            """)
    }
}
