import FogCrypto
import FogTypes
import Foundation

/// The configuration of one validator node of a local network, `nodeK/node.json`. Paths are
/// relative to the node's folder.
struct ValidatorNodeConfig: Codable, Equatable {
    /// One peer to keep a connection to.
    struct Peer: Codable, Equatable {
        /// The peer's node id (address of its node key), hex.
        var nodeID: String
        var host: String
        var port: Int
    }

    /// The node's name (its folder's name).
    var name: String
    /// The genesis file.
    var genesis: String
    /// The validator key (signs proposals and votes).
    var validatorKey: String
    /// The node key (its P2P identity).
    var nodeKey: String
    /// The folder of the ledger store and the consensus WAL.
    var data: String
    var p2pHost: String
    var p2pPort: Int
    var httpHost: String
    var httpPort: Int
    /// The least milliseconds between committing a height and starting the next.
    var commitDelayMs: UInt64
    var peers: [Peer]
    /// Milliseconds after a commit at which the next height starts even with nothing pending (an
    /// empty block); absent: the node's default.
    var emptyBlockIntervalMs: UInt64? = nil

    /// The largest configuration file read.
    static let maxFileBytes = 256 * 1024
    /// The file's name in a node folder.
    static let fileName = "node.json"

    static func read(home: String) throws(CLIError) -> ValidatorNodeConfig {
        let path = URL(fileURLWithPath: home).appendingPathComponent(fileName).path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("io-error", "cannot read \(path): run fogledger init first")
        }
        guard data.count <= maxFileBytes else { throw CLIError("invalid-config", "\(path) exceeds \(maxFileBytes) bytes") }
        do {
            return try JSONDecoder().decode(ValidatorNodeConfig.self, from: data)
        } catch {
            throw CLIError("invalid-config", "\(path): \(error)")
        }
    }

    func write(home: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = URL(fileURLWithPath: home).appendingPathComponent(Self.fileName).path
        guard FileManager.default.createFile(atPath: path, contents: try encoder.encode(self),
                                             attributes: [.posixPermissions: 0o644])
        else { throw CLIError("io-error", "cannot write \(path)") }
    }

    /// A path of the configuration resolved against the node's folder.
    static func resolve(_ path: String, home: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: home).appendingPathComponent(path).standardizedFileURL.path
    }
}

/// The node folders of a local network made by `fogledger init`: `node0`, `node1`, … under its folder.
enum NetworkLayout {
    static func nodeName(_ index: Int) -> String { "node\(index)" }

    /// The node folders under `home`, in order.
    static func nodeFolders(home: String) throws(CLIError) -> [String] {
        var folders: [String] = []
        while true {
            let folder = URL(fileURLWithPath: home).appendingPathComponent(nodeName(folders.count)).path
            guard FileManager.default.fileExists(atPath: "\(folder)/\(ValidatorNodeConfig.fileName)") else { break }
            folders.append(folder)
        }
        guard !folders.isEmpty else { throw CLIError("invalid-argument", "\(home) holds no node0/\(ValidatorNodeConfig.fileName); run fogledger init") }
        return folders
    }
}
