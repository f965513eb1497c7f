import FogCrypto
import FogTestSupport
import FogTypes
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Four `fogledger node --home` validator processes made by `fogledger init`, on 127.0.0.1: devices
/// registered and readings submitted to different nodes are committed everywhere with identical
/// block ids and state roots; SIGKILL of one validator does not stop the chain and it catches up
/// after a restart; with two of four stopped the chain halts without forking and resumes when they
/// come back.
@Suite(.heavy, .serialized) struct BFTNetworkMultiProcessTests {
    @Test(.timeLimit(.minutes(3))) func fourValidatorsSurviveCrashesAndHaltWithoutQuorum() async throws {
        let binary = try #require(DevNodeProcessTests.fogledger(), "cannot find the fogledger executable")
        let home = FileManager.default.temporaryDirectory
            .appendingPathComponent("fogledger-bft-\(UUID().uuidString)", isDirectory: true).path
        defer { try? FileManager.default.removeItem(atPath: home) }
        // Eight consecutive ports from a random base below the ephemeral range (32768 up), so that no
        // connection of another test takes one: P2P at base + K, HTTP at base + 4 + K.
        let p2pBase = 12_000 + Int.random(in: 0..<2_500) * 8
        let initialised = try await DevNodeProcessTests.run(binary, [
            "init", "--validators", "4", "--out", home, "--p2p-port", "\(p2pBase)", "--http-port", "\(p2pBase + 4)",
            "--commit-delay-ms", "100",
        ])
        try #require(initialised.status == 0, "\(initialised.output)")
        let network = LocalNetwork(binary: binary, home: home, count: 4, httpBase: p2pBase + 4)
        defer { network.killAll() }
        for index in 0..<4 { try network.start(index) }
        try await network.waitHeights(atLeast: 2, nodes: [0, 1, 2, 3], within: .seconds(40))

        // The operator registers one device per node; each device's readings go to its own node.
        let genesis = try Genesis.decode(Array(try Data(contentsOf: URL(fileURLWithPath: "\(home)/genesis.cbor"))))
        let operatorKey = try DevNodeProcessTests.readKey("\(home)/operator.key")
        var generator = SystemRandomNumberGenerator()
        let devices = (0..<4).map { _ in PrivateKey.generate(.ed25519, using: &generator) }
        var registrations: [String] = []
        for (nonce, device) in devices.enumerated() {
            let envelope = try Signed.sign(
                try TransactionBody.registerDevice(try DeviceRegistration(publicKey: device.publicKey, deviceType: "probe",
                                                                          metadata: .map([])))
                    .transaction(chainID: genesis.chainID, signer: operatorKey.publicKey.address, nonce: UInt64(nonce)),
                with: operatorKey).bytes
            let (answer, status) = try await DevNodeProcessTests.post(network.api(0), envelope)
            #expect(status == 202, "\(answer)")
            registrations.append(answer["id"] as? String ?? "")
        }
        for id in registrations {
            for index in 0..<4 { try await DevNodeProcessTests.waitCommitted(network.api(index), id) }
        }
        var readings: [(node: Int, id: String)] = []
        for sequence in UInt64(1)...5 {
            for (index, device) in devices.enumerated() {
                let reading = try Reading(chainID: genesis.chainID, device: device.publicKey.address, sequence: sequence,
                                          timeMillis: genesis.timeMillis + sequence, content: .inline(.unsigned(sequence)))
                let (answer, status) = try await DevNodeProcessTests.post(network.api(index),
                                                                          try Signed.sign(reading, with: device).bytes)
                #expect(status == 202, "\(answer)")
                readings.append((index, answer["id"] as? String ?? ""))
            }
        }
        for reading in readings { try await DevNodeProcessTests.waitCommitted(network.api((reading.node + 1) % 4), reading.id) }
        try await network.expectSameChain(nodes: [0, 1, 2, 3])

        // SIGKILL one validator: three of four still commit.
        network.kill(3, signal: SIGKILL)
        let beforeCrash = try await network.height(0)
        try await network.waitHeights(atLeast: beforeCrash + 3, nodes: [0, 1, 2], within: .seconds(30))
        // Restarted, it fetches what it missed and rejoins.
        try network.start(3)
        let target = try await network.height(0) + 2
        try await network.waitHeights(atLeast: target, nodes: [0, 1, 2, 3], within: .seconds(40))
        try await network.expectSameChain(nodes: [0, 1, 2, 3])

        // Two of four stopped: no quorum, the height stops advancing.
        network.kill(2, signal: SIGTERM)
        network.kill(3, signal: SIGTERM)
        try await Task.sleep(for: .seconds(2))
        let halted = try await network.height(0)
        try await Task.sleep(for: .seconds(3))
        #expect(try await network.height(0) == halted, "the chain advanced with half of the power")
        #expect(try await network.height(1) <= halted + 1)
        // Both back: the chain resumes and every node holds the same blocks.
        try network.start(2)
        try network.start(3)
        try await network.waitHeights(atLeast: halted + 3, nodes: [0, 1, 2, 3], within: .seconds(40))
        try await network.expectSameChain(nodes: [0, 1, 2, 3])
        for index in 0..<4 { network.kill(index, signal: SIGTERM) }
        try await network.waitStopped(within: .seconds(20))
    }
}

/// The node processes of a network folder made by `fogledger init`, with each node's output in its
/// folder's `node.log`.
final class LocalNetwork: @unchecked Sendable {
    let binary: URL
    let home: String
    let httpBase: Int
    private var processes: [Process?]

    init(binary: URL, home: String, count: Int, httpBase: Int) {
        self.binary = binary
        self.home = home
        self.httpBase = httpBase
        self.processes = Array(repeating: nil, count: count)
    }

    func api(_ index: Int) -> String { "http://127.0.0.1:\(httpBase + index)" }

    func start(_ index: Int, extraArguments: [String] = []) throws {
        let folder = "\(home)/node\(index)"
        let logPath = "\(folder)/node.log"
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try #require(FileHandle(forWritingAtPath: logPath))
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = binary
        process.arguments = ["node", "--home", folder, "--log-level", "info"] + extraArguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        processes[index] = process
    }

    func kill(_ index: Int, signal: Int32) {
        guard let process = processes[index], process.isRunning else { return }
        Foundation.kill(process.processIdentifier, signal)
        if signal == SIGKILL { process.waitUntilExit() }
    }

    func killAll() {
        for index in processes.indices { kill(index, signal: SIGKILL) }
    }

    func waitStopped(within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        while processes.contains(where: { $0?.isRunning == true }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(!processes.contains(where: { $0?.isRunning == true }), "a node did not stop on SIGTERM")
    }

    func status(_ index: Int) async throws -> [String: Any] {
        let (body, _) = try await URLSession.shared.data(from: URL(string: "\(api(index))/v1/status")!)
        return (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
    }

    func height(_ index: Int) async throws -> UInt64 {
        UInt64(try await status(index)["height"] as? Int ?? 0)
    }

    func waitHeights(atLeast height: UInt64, nodes: [Int], within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        var heights: [Int: UInt64] = [:]
        while ContinuousClock.now < deadline {
            for index in nodes { heights[index] = (try? await self.height(index)) ?? 0 }
            if heights.values.allSatisfy({ $0 >= height }) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        let nodeStates = nodes.map { "node\($0): \(state($0))" }.joined(separator: "\n")
        throw NetworkTimeout(description: "heights \(heights.sorted { $0.key < $1.key }) did not reach \(height)\n\(nodeStates)")
    }

    /// Whether node `index` runs (or how it exited), and the last lines of its log: what a timeout
    /// reports, since the network's folder is removed when the test ends.
    func state(_ index: Int) -> String {
        let process = processes[index]
        let running = process.map { $0.isRunning ? "running" : "exited with \($0.terminationStatus)" } ?? "not started"
        let log = (try? String(contentsOfFile: "\(home)/node\(index)/node.log", encoding: .utf8)) ?? ""
        return "\(running); log ends: \(log.split(separator: "\n").suffix(4).joined(separator: " | ").suffix(800))"
    }

    /// Every node has the same block id and state root at every height they all have.
    func expectSameChain(nodes: [Int], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        var common = UInt64.max
        for index in nodes { common = min(common, try await height(index)) }
        #expect(common >= 1, sourceLocation: sourceLocation)
        guard common >= 1 else { return }
        for height in 1...common {
            var seen: Set<String> = []
            for index in nodes {
                let (body, _) = try await URLSession.shared.data(from: URL(string: "\(api(index))/v1/blocks/\(height)")!)
                let block = (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
                seen.insert("\(block["id"] as? String ?? "?") \(block["stateRoot"] as? String ?? "?")")
            }
            #expect(seen.count == 1, "height \(height): \(seen)", sourceLocation: sourceLocation)
        }
    }
}

/// Nodes did not reach a height in time.
struct NetworkTimeout: Error, CustomStringConvertible {
    let description: String
}
