import FogTypes
import Foundation
import Testing

/// `fogledger init`: the genesis names every validator key, keys are private, and each node's
/// configuration lists every other node as a peer with its node id.
@Suite struct InitCommandTests {
    @Test func initWritesGenesisKeysAndPeerConfigurations() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("fogledger-init-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = try await FogledgerBinary.run(["init", "--validators", "3", "--consensus", "poa", "--out", out,
                                              "--p2p-port", "30100", "--http-port", "30200"])
        #expect(result.status == 0, "\(result.err)")
        let genesis = try Genesis.decode(Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/genesis.cbor"))))
        #expect(genesis.validators.validators.count == 3)
        #expect(genesis.consensus == .poa)
        var nodeIDs: [String] = []
        for index in 0..<3 {
            let home = "\(out)/node\(index)"
            for key in ["validator.key", "node.key"] {
                let mode = (try FileManager.default.attributesOfItem(atPath: "\(home)/\(key)")[.posixPermissions] as? NSNumber)?.intValue
                #expect(mode == 0o600, "\(home)/\(key)")
            }
            let config = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(home)/node.json"))) as? [String: Any])
            #expect(config["p2pPort"] as? Int == 30100 + index)
            #expect(config["httpPort"] as? Int == 30200 + index)
            let peers = try #require(config["peers"] as? [[String: Any]])
            #expect(peers.map { $0["port"] as? Int } == (0..<3).filter { $0 != index }.map { 30100 + $0 })
            nodeIDs += peers.compactMap { $0["nodeID"] as? String }
        }
        // Each node id appears once in each of the two other nodes' peer lists.
        #expect(Set(nodeIDs).count == 3 && nodeIDs.count == 6)
        // A second init into the same folder is refused.
        let again = try await FogledgerBinary.run(["init", "--validators", "3", "--out", out])
        #expect(again.status == 1)
    }

    @Test func hostsGiveEachNodeItsOwnAddress() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("fogledger-init-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let hosts = ["10.9.0.1", "10.9.0.2", "10.9.0.3"]
        let result = try await FogledgerBinary.run(["init", "--validators", "3", "--out", out, "--hosts", hosts.joined(separator: ",")])
        #expect(result.status == 0, "\(result.err)")
        for index in 0..<3 {
            let config = try #require(try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: "\(out)/node\(index)/node.json"))) as? [String: Any])
            #expect(config["p2pHost"] as? String == hosts[index])
            #expect(config["httpHost"] as? String == hosts[index])
            let peers = try #require(config["peers"] as? [[String: Any]])
            #expect(peers.compactMap { $0["host"] as? String } == hosts.enumerated().filter { $0.offset != index }.map(\.element))
        }
        for bad in ["10.9.0.1,10.9.0.2", "10.9.0.1,10.9.0.2,example.com", "10.9.0.1,10.9.0.2,10.9.0.300"] {
            let refused = try await FogledgerBinary.run(["init", "--validators", "3", "--out", out + "-bad", "--hosts", bad])
            #expect(refused.status == 1 && refused.err.contains("--hosts"), "\(bad): \(refused.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: out + "-bad"))
    }
}
