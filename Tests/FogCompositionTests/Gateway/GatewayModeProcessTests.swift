import FogCrypto
import FogTestSupport
import FogTypes
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Gateway mode from the command line with a real Mosquitto: `fogledger node --dev --mqtt URL
/// --mqtt-gateway-key FILE`, `fogledger device register-attested` provisions a device and its HMAC
/// key, `fogledger device run --hmac-key FILE` sends readings that are committed as attested; a device
/// with the wrong key gets its readings rejected with the reason.
@Suite(.heavy, .enabled(if: LocalMosquitto.available)) struct GatewayModeProcessTests {
    @Test(.timeLimit(.minutes(2))) func provisionAndSendAsAnHMACDevice() async throws {
        let binary = try #require(DevNodeProcessTests.fogledger())
        let broker = try await LocalMosquitto()
        defer { broker.stop() }
        let folder = broker.directory.path
        let data = "\(folder)/chain"
        let node = Process()
        node.executableURL = binary
        // The dev node's operator account doubles as the gateway account here.
        node.arguments = ["node", "--dev", "--data", data, "--http", "127.0.0.1:0", "--mqtt", "mqtt://127.0.0.1:\(broker.port)",
                          "--mqtt-client-id", "gateway-mode-process-test", "--mqtt-gateway-key", "\(data)/operator.key"]
        let output = Pipe()
        node.standardOutput = output
        node.standardError = FileHandle.nullDevice
        let collected = Collected()
        output.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty { handle.readabilityHandler = nil } else { collected.append(chunk) }
        }
        try node.run()
        defer { if node.isRunning { kill(node.processIdentifier, SIGKILL) } }
        let api = try await DevNodeProcessTests.apiURL(node, collected)
        let gateway = try DevNodeProcessTests.readKey("\(data)/operator.key").publicKey.address.hex

        let registered = try await DevNodeProcessTests.run(binary, [
            "device", "register-attested", "--gateway", gateway, "--type", "meter", "--out", "\(folder)/meter",
            "--hmac-keys", "\(data)/gateway-keys", "--key", "\(data)/operator.key", "--node", api, "--json",
        ])
        try #require(registered.status == 0, "\(registered.output)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(registered.output.utf8)) as? [String: Any])
        let device = try #require(answer["device"] as? String)
        #expect(try DevNodeProcessTests.permissions("\(folder)/meter/device.hmac") == 0o600)
        #expect(try DevNodeProcessTests.permissions("\(data)/gateway-keys/\(device).hmac") == 0o600)

        try "time,value\n,21.5\n,22\n,23.25\n".write(toFile: "\(folder)/readings.csv", atomically: true, encoding: .utf8)
        let sent = try await DevNodeProcessTests.run(binary, [
            "device", "run", "--hmac-key", "\(folder)/meter/device.hmac", "--device", device,
            "--broker", "mqtt://127.0.0.1:\(broker.port)", "--from-csv", "\(folder)/readings.csv",
            "--queue", "\(folder)/queue", "--timeout", "30",
        ])
        #expect(sent.status == 0, "\(sent.output)")
        #expect(sent.output.contains("committed 3"), "\(sent.output)")
        let (body, _) = try await URLSession.shared.data(from: URL(string: "\(api)/v1/devices/\(device)/readings")!)
        let page = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let readings = try #require(page["readings"] as? [[String: Any]])
        #expect(readings.count == 3)
        #expect(readings.allSatisfy { $0["trust"] as? String == "gateway-attested" && $0["attestedBy"] as? String == gateway })

        // The wrong key: every reading is rejected as a bad tag, and the command says so.
        let wrong = "\(folder)/wrong.hmac"
        #expect(FileManager.default.createFile(
            atPath: wrong, contents: Data((String(repeating: "ab", count: 32) + "\n").utf8),
            attributes: [.posixPermissions: 0o600]))
        try "time,value\n,1\n".write(toFile: "\(folder)/one.csv", atomically: true, encoding: .utf8)
        let forged = try await DevNodeProcessTests.run(binary, [
            "device", "run", "--hmac-key", wrong, "--device", device, "--broker", "mqtt://127.0.0.1:\(broker.port)",
            "--from-csv", "\(folder)/one.csv", "--queue", "\(folder)/queue", "--timeout", "30",
        ])
        #expect(forged.status != 0)
        #expect(forged.output.contains("bad-signature"), "\(forged.output)")
        try await DevNodeProcessTests.terminate(node)
    }
}
