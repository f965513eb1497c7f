import FogCore
import FogTestKit
import FogTestSupport
import Foundation
import Testing

/// The client commands (`device`, `reading send`, `query`) as subprocesses against a real
/// `fogledger node --dev` subprocess on a free port.
@Suite(.heavy) struct CLIClientTests {
    @Test(.timeLimit(.minutes(3))) func clientCommandsEndToEnd() async throws {
        let binary = try #require(DevNodeProcessTests.fogledger(), "cannot find the fogledger executable")
        let directory = try DevNodeProcessTests.scratchDirectory("client-e2e")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("chain").path
        let (node, collected) = try DevNodeProcessTests.start(binary, data: data)
        defer { if node.isRunning { kill(node.processIdentifier, SIGKILL) } }
        let api = try await DevNodeProcessTests.apiURL(node, collected)
        let cli = CLI(binary: binary, node: api)

        // Register a device with the dev node's operator key (found through --data).
        let deviceKey = directory.appendingPathComponent("device.key").path
        #expect(try await cli.run(["keygen", "--out", deviceKey]).status == 0)
        let registered = try await cli.json(["device", "register", "--device-key", deviceKey, "--type", "probe",
                                       "--metadata", #"{"site": "dock 4"}"#, "--data", data])
        #expect(registered["receipt"] as? String == "ok", "\(registered)")
        #expect(registered["status"] as? String == "committed")
        #expect((registered["key"] as? String)?.hasSuffix("operator.key") == true)
        #expect(registered["nonce"] as? Int == 0)
        let device = try #require(registered["device"] as? String)
        let txID = try #require(registered["id"] as? String)

        // Text output.
        let text = try await cli.run(["query", "tx", txID])
        #expect(text.status == 0 && text.output.contains("committed"), "\(text.output)")

        // Readings with --seq auto.
        let t0: UInt64 = 1_700_000_000_000
        for index in 0..<3 {
            let sent = try await cli.json(["reading", "send", "--key", deviceKey, "--seq", "auto", "--value",
                                     #"{"temp": \#(4 + index)}"#, "--time", "\(t0 + UInt64(index))"])
            #expect(sent["seq"] as? Int == index + 1 && sent["receipt"] as? String == "ok", "\(sent)")
        }

        // Query them back in pages of two.
        let first = try await cli.json(["query", "readings", device, "--limit", "2"])
        let firstPage = try #require(first["readings"] as? [[String: Any]])
        #expect(firstPage.map { $0["sequence"] as? Int } == [1, 2], "\(first)")
        #expect((firstPage.first?["value"] as? [String: Any])?["temp"] as? Int == 4)
        let cursor = try #require(first["next"] as? String)
        let second = try await cli.json(["query", "readings", device, "--limit", "2", "--cursor", cursor])
        #expect((second["readings"] as? [[String: Any]])?.map { $0["sequence"] as? Int } == [3], "\(second)")
        #expect(second["next"] == nil)
        let ranged = try await cli.json(["query", "readings", device, "--from", "\(t0 + 1)", "--to", "\(t0 + 2)"])
        #expect((ranged["readings"] as? [[String: Any]])?.map { $0["sequence"] as? Int } == [2], "\(ranged)")

        // Device, transaction and block.
        let record = try await cli.json(["query", "device", device])
        #expect(record["lastSequence"] as? Int == 3 && record["type"] as? String == "probe", "\(record)")
        let tx = try await cli.json(["query", "tx", txID])
        #expect(tx["status"] as? String == "committed")
        let latest = try await cli.json(["query", "block", "latest"])
        let height = try #require(latest["height"] as? Int)
        let byHeight = try await cli.json(["query", "block", "\(height)"])
        #expect(byHeight["id"] as? String == latest["id"] as? String)

        // A proof to a file, verified offline against genesis.cbor.
        let proofFile = directory.appendingPathComponent("reading-2.proof").path
        let proof = try await cli.json(["query", "proof", device, "2", "--out", proofFile])
        #expect(proof["seq"] as? Int == 2, "\(proof)")
        let verified = try await cli.run(["verify", proofFile, "--genesis", "\(data)/genesis.cbor", "--json"])
        #expect(verified.status == 0, "\(verified.output)")

        // Rotate: the old key's readings are rejected with the node's code, the new key's accepted.
        let newKey = directory.appendingPathComponent("device-2.key").path
        #expect(try await cli.run(["keygen", "--out", newKey]).status == 0)
        let rotated = try await cli.json(["device", "rotate", "--device", device, "--new-key", newKey],
                                   environment: ["FOGLEDGER_DATA": data])  // the operator key from FOGLEDGER_DATA
        #expect((rotated["key"] as? String)?.hasSuffix("operator.key") == true && rotated["nonce"] as? Int == 1)
        #expect(rotated["receipt"] as? String == "ok", "\(rotated)")
        let stale = try await cli.failure(["reading", "send", "--key", deviceKey, "--seq", "auto", "--value", "1"])
        #expect(stale == "bad-signature", "\(stale)")
        let fresh = try await cli.json(["reading", "send", "--key", newKey, "--device", device, "--seq", "auto", "--value", "2"])
        #expect(fresh["seq"] as? Int == 4 && fresh["receipt"] as? String == "ok", "\(fresh)")

        // The device rotates its own key (signed by its current key, its device nonce).
        let thirdKey = directory.appendingPathComponent("device-3.key").path
        #expect(try await cli.run(["keygen", "--out", thirdKey]).status == 0)
        let selfRotated = try await cli.json(["device", "rotate", "--device", device, "--new-key", thirdKey, "--as-device",
                                        "--key", newKey])
        #expect(selfRotated["receipt"] as? String == "ok" && selfRotated["signer"] as? String == device, "\(selfRotated)")
        let withNewKey = try await cli.failure(["reading", "send", "--key", newKey, "--device", device, "--seq", "auto", "--value", "2"])
        #expect(withNewKey == "bad-signature", "\(withNewKey)")

        // Suspend → rejected → resume → accepted; revoke → rejected.
        #expect(try await cli.json(["device", "suspend", "--device", device, "--data", data])["receipt"] as? String == "ok")
        let suspended = try await cli.failure(["reading", "send", "--key", thirdKey, "--device", device, "--seq", "auto", "--value", "3"])
        #expect(suspended == "device-suspended", "\(suspended)")
        #expect(try await cli.json(["device", "resume", "--device", device, "--data", data])["receipt"] as? String == "ok")
        let resumed = try await cli.json(["reading", "send", "--key", thirdKey, "--device", device, "--seq", "auto", "--value", "3"])
        #expect(resumed["seq"] as? Int == 5 && resumed["receipt"] as? String == "ok", "\(resumed)")
        #expect(try await cli.json(["device", "revoke", "--device", device, "--data", data])["receipt"] as? String == "ok")
        let revoked = try await cli.failure(["reading", "send", "--key", thirdKey, "--device", device, "--seq", "6", "--value", "4"])
        #expect(revoked == "device-revoked", "\(revoked)")
        #expect(try await cli.json(["query", "device", device])["status"] as? String == "revoked")

        // --no-wait returns pending; a wrong --nonce is the node's bad-nonce; FOGLEDGER_NODE names the node.
        let other = directory.appendingPathComponent("other.key").path
        #expect(try await cli.run(["keygen", "--out", other]).status == 0)
        #expect(try await cli.failure(["device", "register", "--device-key", other, "--type", "probe", "--data", data,
                                 "--nonce", "99"]) == "bad-nonce")
        let pending = try await cli.json(["device", "register", "--device-key", other, "--type", "probe", "--data", data, "--no-wait"])
        #expect(pending["status"] as? String == "pending", "\(pending)")
        let viaEnvironment = try await CLI(binary: binary, node: nil)
            .json(["query", "tx", try #require(pending["id"] as? String)], environment: ["FOGLEDGER_NODE": api])
        #expect(viaEnvironment["id"] as? String == pending["id"] as? String, "\(viaEnvironment)")
        #expect(try await CLI(binary: binary, node: "ftp://127.0.0.1").failure(["query", "block"]) == "invalid-argument")

        // Errors: an unknown device (the node's code), no signing key, a node that is not there.
        #expect(try await cli.failure(["query", "device", String(repeating: "ab", count: 20)]) == "unknown-device")
        #expect(try await cli.failure(["device", "suspend", "--device", device]) == "invalid-argument")
        let unreachable = CLI(binary: binary, node: "http://127.0.0.1:1")
        #expect(try await unreachable.failure(["query", "block"]) == "node-unreachable")
        let plain = try await unreachable.run(["query", "block"])
        #expect(plain.status == 1 && plain.error.contains("cannot reach the node"), "\(plain.error)")

        // Validator transactions reach execution: a dev chain is PoA, and its validator has no account yet.
        let validatorKey = "\(data)/validator.key"
        #expect(try await cli.failure(["validator", "bond", "--validator-key", other, "--amount", "5", "--data", data])
            == "wrong-consensus-mode")
        #expect(try await cli.failure(["validator", "propose", "--validator-key", other, "--power", "1", "--key", validatorKey,
                                 "--nonce", "0"])
            == "unknown-signer")
        #expect(try await cli.failure(["validator", "approve", "--proposal", "00", "--data", data]) == "invalid-argument")

        try await DevNodeProcessTests.terminate(node)
    }
}

/// Runs `fogledger` with `--node` (bounded: 60 s per command).
struct CLI {
    let binary: URL
    /// The `--node` given (none: the environment's or the default).
    let node: String?

    /// Runs a command to completion on a thread of its own, so that a node served in this process
    /// keeps the cooperative pool's threads while it waits.
    func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) async throws
        -> (status: Int32, output: String, error: String) {
        let nodeArguments = arguments.first == "keygen" || arguments.first == "verify" ? [] : node.map { ["--node", $0] } ?? []
        var changes: [String: String?] = ["FOGLEDGER_NODE": nil, "FOGLEDGER_DATA": nil]
        for (name, value) in environment { changes[name] = value }
        let result = try await Subprocess.run(binary, arguments + nodeArguments, stdin: stdin.map { Data($0.utf8) },
                                              environment: Subprocess.environment(changes))
        #expect(!result.timedOut, "fogledger \(arguments.joined(separator: " ")) ran past \(Int(Subprocess.defaultTimeout)) s")
        return (result.status, result.out, result.err)
    }

    /// The JSON object a successful `--json` run prints.
    func json(_ arguments: [String], environment: [String: String] = [:],
              sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        let result = try await run(arguments + ["--json"], environment: environment)
        #expect(result.status == 0, "\(arguments): \(result.output) \(result.error)", sourceLocation: sourceLocation)
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        return try #require(object, "\(arguments): not a JSON object: \(result.output)", sourceLocation: sourceLocation)
    }

    /// The error code a failing `--json` run prints (exit status 1).
    func failure(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let result = try await run(arguments + ["--json"])
        #expect(result.status == 1, "\(arguments): \(result.output)", sourceLocation: sourceLocation)
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        return ((object?["error"] as? [String: Any])?["code"] as? String) ?? "none: \(result.output)"
    }
}

import Hummingbird
import HummingbirdTesting

/// The client's bounds, against a server that is not a well-behaved node.
@Suite struct CLIClientLimitTests {
    @Test(.timeLimit(.minutes(2))) func oversizedAndNonJSONAnswersAreErrors() async throws {
        let binary = try #require(DevNodeProcessTests.fogledger(), "cannot find the fogledger executable")
        let router = Router()
        // 17 MiB, over the client's 16 MiB bound.
        router.get("/v1/blocks/latest") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: " "), count: 17 * 1024 * 1024)))
        }
        router.get("/v1/blocks/1") { _, _ in "not json" }
        router.get("/v1/devices/:address") { _, _ in
            Response(status: .notFound, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: #"{"error": {"code": "unknown-device", "message": "no such"}}"#)))
        }
        try await Application(router: router).test(.live) { client in
            let port = try #require(client.port)
            let cli = CLI(binary: binary, node: "http://127.0.0.1:\(port)")
            let oversized = try await cli.run(["query", "block", "--json"])
            #expect(oversized.status == 1 && oversized.output.contains("exceeds"), "\(oversized.output)")
            let notJSON = try await cli.run(["query", "block", "1", "--json"])
            #expect(notJSON.status == 1 && notJSON.output.contains(#""code":"bad-response""#), "\(notJSON.output)")
            let device = try await cli.run(["query", "device", String(repeating: "cd", count: 20), "--json"])
            #expect(device.status == 1 && device.output.contains(#""code":"unknown-device""#), "\(device.output)")
        }
    }
}
