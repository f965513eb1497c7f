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

    @Option(name: .long, help: "Least milliseconds between deciding a block and starting the next height.")
    var commitDelayMs: UInt64 = ValidatorNodeConfiguration.defaultCommitDelayMillis

    @Option(name: .long, help: "Milliseconds after a commit at which an empty block is proposed when nothing is pending.")
    var emptyBlockIntervalMs: UInt64 = ValidatorNodeConfiguration.defaultEmptyBlockIntervalMillis

    @Option(name: .long, help: "Comma-separated IPv4 address of each node, in order (default: 127.0.0.1 for all).")
    var hosts: String?

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
        let hostList = try hosts.map { try Self.parseHosts($0, count: validators) }
            ?? Array(repeating: "127.0.0.1", count: validators)
        let network = try LocalNetworkSetup(
            validators: validators, mode: mode, chainID: try ChainID(chainId),
            nodes: (0..<validators).map { LocalNetworkSetup.NodeAddress(host: hostList[$0], p2pPort: p2pPort + $0, httpPort: httpPort + $0) },
            commitDelayMs: commitDelayMs, emptyBlockIntervalMs: emptyBlockIntervalMs
        ).write(to: out)
        let genesis = network.genesis
        let base = URL(fileURLWithPath: out)
        let operatorKey = network.operatorKey
        print("""
            initialised \(validators) validators (\(consensus)) in \(out)
            chain \(genesis.chainID), genesis hash \(genesis.hash.hex)
            operator key: \(base.appendingPathComponent("operator.key").path) (address \(operatorKey.publicKey.address.hex))
            run one node: fogledger node --home \(base.appendingPathComponent("node0").path)
            run them all: fogledger network up --home \(out)
            """)
    }

    /// `count` IPv4 addresses from `--hosts`.
    static func parseHosts(_ text: String, count: Int) throws(CLIError) -> [String] {
        let hosts = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard hosts.count == count else {
            throw CLIError("invalid-argument", "--hosts names \(hosts.count) addresses for \(count) validators")
        }
        for host in hosts {
            let parts = host.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else {
                throw CLIError("invalid-argument", "--hosts: \"\(host)\" is not an IPv4 address")
            }
        }
        return hosts
    }
}
