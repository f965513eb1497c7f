import FogCore
import FogCrypto
import FogExecution
import FogLight
import FogTestKit
import FogTestSupport
import FogTypes
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing

/// `fogledger node --dev` as a subprocess: a reading signed by `fogledger reading sign` (another
/// subprocess) is submitted over HTTP, committed, proven, and the proof verified trusting only the
/// node's genesis.cbor; then SIGTERM and a clean exit.
@Suite(.heavy) struct DevNodeProcessTests {
    @Test(.timeLimit(.minutes(2))) func devNodeEndToEnd() async throws {
        let binary = try #require(Self.fogledger(), "cannot find the fogledger executable next to the test binary")
        let directory = try Self.scratchDirectory("node-e2e")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("chain").path

        let (node, collected) = try Self.start(binary, data: data)
        defer { if node.isRunning { kill(node.processIdentifier, SIGKILL) } }
        let api = try await Self.apiURL(node, collected)
        #expect(collected.text.contains("genesis:") && collected.text.contains("operator key:"))
        // A second node on the same data directory refuses to start.
        let second = try await Self.run(binary, ["node", "--dev", "--data", data, "--http", "127.0.0.1:0"])
        #expect(second.status == 1)
        let operatorKeyPath = "\(data)/operator.key"
        #expect(try Self.permissions(operatorKeyPath) == 0o600)
        #expect(try Self.permissions("\(data)/validator.key") == 0o600)
        let genesis = try Genesis.decode(Array(try Data(contentsOf: URL(fileURLWithPath: "\(data)/genesis.cbor"))))

        // The operator registers a device whose key `fogledger keygen` made.
        let deviceKeyPath = directory.appendingPathComponent("device.key").path
        #expect(try await Self.run(binary, ["keygen", "--out", deviceKeyPath]).status == 0)
        let operatorKey = try Self.readKey(operatorKeyPath)
        let deviceKey = try Self.readKey(deviceKeyPath)
        let registration = try Signed.sign(
            try TransactionBody.registerDevice(try DeviceRegistration(publicKey: deviceKey.publicKey, deviceType: "probe",
                                                                      metadata: .map([])))
                .transaction(chainID: genesis.chainID, signer: operatorKey.publicKey.address, nonce: 0),
            with: operatorKey).bytes
        let (registered, registeredStatus) = try await Self.post(api, registration)
        #expect(registeredStatus == 202, "\(registered)")
        try await Self.waitCommitted(api, registered["id"] as? String ?? "")

        // A reading signed by a separate process.
        let readingFile = directory.appendingPathComponent("reading.cose").path
        let signed = try await Self.run(binary, ["reading", "sign", "--key", deviceKeyPath, "--seq", "1", "--value", "4.5",
                                           "--out", readingFile])
        #expect(signed.status == 0)
        let reading = Array(try Data(contentsOf: URL(fileURLWithPath: readingFile)))
        let (submitted, submittedStatus) = try await Self.post(api, reading)
        #expect(submittedStatus == 202, "\(submitted)")
        try await Self.waitCommitted(api, submitted["id"] as? String ?? "")

        // Its proof, as CBOR, verified offline against genesis.cbor alone.
        var request = URLRequest(url: URL(string: "\(api)/v1/readings/\(deviceKey.publicKey.address.hex)/1/proof")!)
        request.setValue("application/cbor", forHTTPHeaderField: "Accept")
        let (proof, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let verified = try LightVerifier(genesis: genesis).verifyReadingProof(Array(proof))
        #expect(verified.reading.sequence == 1 && verified.reading.device == deviceKey.publicKey.address)

        // SIGTERM: a graceful shutdown and exit status 0.
        try await Self.terminate(node)

        // A restart reuses the genesis, the keys and the store.
        let (again, againOutput) = try Self.start(binary, data: data)
        defer { if again.isRunning { kill(again.processIdentifier, SIGKILL) } }
        let restarted = try await Self.apiURL(again, againOutput)
        let (body, _) = try await URLSession.shared.data(from: URL(string: "\(restarted)/v1/status")!)
        let status = (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
        #expect(status["genesisHash"] as? String == genesis.hash.hex)
        #expect(status["height"] as? Int ?? 0 >= 2, "\(status)")
        #expect(try Self.readKey(operatorKeyPath).publicKey == operatorKey.publicKey)
        try await Self.terminate(again)
    }

    // MARK: Helpers

    /// A node whose supervisor stopped reading its output (a killed bench or shell) still stops
    /// cleanly on SIGTERM, though its last line ("stopped at height") meets a broken pipe.
    @Test(.timeLimit(.minutes(2))) func aNodeWhoseSupervisorWentAwayStillStopsCleanly() async throws {
        let binary = try #require(Self.fogledger(), "cannot find the fogledger executable next to the test binary")
        let directory = try Self.scratchDirectory("node-orphan")
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = Pipe()
        let (node, collected) = try Self.start(binary, data: directory.appendingPathComponent("chain").path, output: output)
        defer { if node.isRunning { kill(node.processIdentifier, SIGKILL) } }
        _ = try await Self.apiURL(node, collected)
        output.fileHandleForReading.readabilityHandler = nil
        try output.fileHandleForReading.close()
        try await Self.terminate(node)
    }

    /// A new empty folder under the temporary directory, named after `name` (the caller removes it).
    static func scratchDirectory(_ name: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("fogledger-\(name)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Starts `fogledger node --dev` on a free port, collecting its standard output from `output`.
    static func start(_ binary: URL, data: String, output: Pipe = Pipe()) throws -> (Process, Collected) {
        let node = Process()
        node.executableURL = binary
        node.arguments = ["node", "--dev", "--data", data, "--http", "127.0.0.1:0"]
        node.standardOutput = output
        node.standardError = FileHandle.nullDevice
        let collected = Collected()
        output.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty { handle.readabilityHandler = nil } else { collected.append(chunk) }
        }
        try node.run()
        return (node, collected)
    }

    /// The API base URL the node prints once listening (at most 60 s).
    static func apiURL(_ node: Process, _ collected: Collected) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, node.isRunning {
            if let line = collected.text.split(separator: "\n").first(where: { $0.hasPrefix("API: ") }) {
                return String(line.dropFirst("API: ".count)).replacingOccurrences(of: "/v1/status", with: "")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try #require(nil as String?, "the node printed no API URL: \(collected.text)")
    }

    /// Sends SIGTERM and expects a clean exit within 30 s.
    static func terminate(_ node: Process, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        kill(node.processIdentifier, SIGTERM)
        let stopBy = ContinuousClock.now + .seconds(30)
        while node.isRunning, ContinuousClock.now < stopBy { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!node.isRunning, "the node did not stop within 30 s of SIGTERM", sourceLocation: sourceLocation)
        if !node.isRunning {
            #expect(node.terminationReason == .exit && node.terminationStatus == 0, sourceLocation: sourceLocation)
        }
    }

    static func post(_ api: String, _ envelope: [UInt8]) async throws -> ([String: Any], Int) {
        var request = URLRequest(url: URL(string: "\(api)/v1/transactions")!)
        request.httpMethod = "POST"
        request.setValue("application/cbor", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(envelope)
        let (body, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
        return (object, (response as? HTTPURLResponse)?.statusCode ?? 0)
    }

    static func waitCommitted(_ api: String, _ id: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let (body, _) = try await URLSession.shared.data(from: URL(string: "\(api)/v1/transactions/\(id)")!)
            let object = (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
            if object["status"] as? String == "committed" {
                #expect((object["receipt"] as? [String: Any])?["code"] as? String == "ok", "\(object)",
                        sourceLocation: sourceLocation)
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("transaction \(id) was not committed within 20 s", sourceLocation: sourceLocation)
    }

    static func readKey(_ path: String) throws -> PrivateKey {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        let text = try #require(object?["seed"] as? String)
        let seed = try #require(Hex.decode(text))
        return try PrivateKey(algorithm: .ed25519, seed: seed)
    }

    static func permissions(_ path: String) throws -> Int {
        ((try FileManager.default.attributesOfItem(atPath: path))[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    /// Runs a short CLI command to completion (at most 60 s) on a thread of its own.
    static func run(_ binary: URL, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await Subprocess.run(binary, arguments)
        return (result.status, result.out)
    }

    /// The `fogledger` executable next to the test binary (or FOGLEDGER_BIN).
    static func fogledger() -> URL? { BuiltProduct.url("fogledger", override: "FOGLEDGER_BIN") }
}

/// Bytes a pipe delivered so far.
final class Collected: Sendable {
    private let data = Mutex(Data())
    func append(_ chunk: Data) { data.withLock { $0.append(chunk) } }
    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}
