import FogCrypto
import FogNode
import FogTypes
import Foundation

/// The files of a local validator network, as `fogledger init` and `fogledger demo` write them: the
/// genesis (canonical CBOR), a funded operator key, and one folder per node with its validator and
/// node keys (mode 0600) and `node.json` (its addresses, every other node as a persistent peer).
struct LocalNetworkSetup {
    /// Where one node listens.
    struct NodeAddress: Equatable {
        /// The IPv4 address of both its P2P listener and its API.
        var host: String
        var p2pPort: Int
        var httpPort: Int
    }

    /// What was written.
    struct Written {
        let genesis: Genesis
        let operatorKey: PrivateKey
        /// The node folders, in order.
        let nodeFolders: [String]
    }

    let validators: Int
    let mode: ConsensusMode
    let chainID: ChainID
    /// One per validator.
    let nodes: [NodeAddress]
    let commitDelayMs: UInt64
    /// Milliseconds after a commit at which a validator proposes an empty block when nothing is pending.
    let emptyBlockIntervalMs: UInt64

    init(validators: Int, mode: ConsensusMode, chainID: ChainID, nodes: [NodeAddress], commitDelayMs: UInt64,
         emptyBlockIntervalMs: UInt64 = ValidatorNodeConfiguration.defaultEmptyBlockIntervalMillis) throws(CLIError) {
        guard nodes.count == validators else {
            throw CLIError("invalid-argument", "\(nodes.count) node addresses for \(validators) validators")
        }
        for node in nodes where !(1...65_535).contains(node.p2pPort) || !(1...65_535).contains(node.httpPort) {
            throw CLIError("invalid-argument", "port out of range in \(node)")
        }
        self.validators = validators
        self.mode = mode
        self.chainID = chainID
        self.nodes = nodes
        self.commitDelayMs = commitDelayMs
        self.emptyBlockIntervalMs = emptyBlockIntervalMs
    }

    /// Creates `out` (which must not exist or be empty) and writes every file into it, with fresh keys.
    func write(to out: String) throws -> Written {
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
        let genesis = try Genesis(chainID: chainID, timeMillis: DevNode.wallClockMillis(), consensus: mode,
                                  validators: set,
                                  accounts: [GenesisAccount(publicKey: operatorKey.publicKey, balance: DevGenesis.operatorBalance)]
                                      // Each validator's key is also an account, so that its node can sign evidence.
                                      + validatorKeys.map { GenesisAccount(publicKey: $0.publicKey, balance: 0) })
        let base = URL(fileURLWithPath: out)
        guard fm.createFile(atPath: base.appendingPathComponent("genesis.cbor").path, contents: Data(genesis.encoded),
                            attributes: [.posixPermissions: 0o644])
        else { throw CLIError("io-error", "cannot write genesis.cbor") }
        try KeyFile.write(operatorKey, to: base.appendingPathComponent("operator.key").path)
        var folders: [String] = []
        for index in 0..<validators {
            let home = base.appendingPathComponent(NetworkLayout.nodeName(index)).path
            try fm.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try KeyFile.write(validatorKeys[index], to: "\(home)/validator.key")
            try KeyFile.write(nodeKeys[index], to: "\(home)/node.key")
            let peers = (0..<validators).filter { $0 != index }.map {
                ValidatorNodeConfig.Peer(nodeID: nodeKeys[$0].publicKey.address.hex, host: nodes[$0].host, port: nodes[$0].p2pPort)
            }
            let address = nodes[index]
            try ValidatorNodeConfig(
                name: NetworkLayout.nodeName(index), genesis: "../genesis.cbor", validatorKey: "validator.key",
                nodeKey: "node.key", data: "data", p2pHost: address.host, p2pPort: address.p2pPort, httpHost: address.host,
                httpPort: address.httpPort, commitDelayMs: commitDelayMs, peers: peers,
                emptyBlockIntervalMs: emptyBlockIntervalMs
            ).write(home: home)
            folders.append(home)
        }
        return Written(genesis: genesis, operatorKey: operatorKey, nodeFolders: folders)
    }
}
