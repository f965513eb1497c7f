import FogCrypto
import FogExecution
import FogMQTT
import FogTestSupport
import FogTypes
import Foundation
import Testing

/// `fogledger node --dev --mqtt URL` as a subprocess with a real Mosquitto: a reading published with
/// `mosquitto_pub` is committed and acked, and SIGTERM stops the node cleanly.
@Suite(.heavy, .enabled(if: LocalMosquitto.available)) struct GatewayNodeProcessWithMosquittoTests {
    @Test(.timeLimit(.minutes(2))) func nodeWithMQTTGateway() async throws {
        let binary = try #require(DevNodeProcessTests.fogledger())
        let broker = try await LocalMosquitto()
        defer { broker.stop() }
        let data = broker.directory.appendingPathComponent("chain").path
        let node = Process()
        node.executableURL = binary
        node.arguments = ["node", "--dev", "--data", data, "--http", "127.0.0.1:0",
                          "--mqtt", "mqtt://127.0.0.1:\(broker.port)", "--mqtt-client-id", "gateway-process-test"]
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
        #expect(collected.text.contains("MQTT gateway: mqtt://127.0.0.1:\(broker.port)"))

        let genesis = try Genesis.decode(Array(try Data(contentsOf: URL(fileURLWithPath: "\(data)/genesis.cbor"))))
        let operatorKey = try DevNodeProcessTests.readKey("\(data)/operator.key")
        let device = DevChain.sensor
        let registration = try Signed.sign(
            try TransactionBody.registerDevice(try DeviceRegistration(publicKey: device.publicKey, deviceType: "probe",
                                                                      metadata: .map([])))
                .transaction(chainID: genesis.chainID, signer: operatorKey.publicKey.address, nonce: 0),
            with: operatorKey).bytes
        let registered = try await DevNodeProcessTests.post(api, registration)
        try await DevNodeProcessTests.waitCommitted(api, try #require(registered.0["id"] as? String))

        let listener = MQTTClient(configuration: MQTTClientConfiguration(
            host: "127.0.0.1", port: broker.port, clientID: "process-test-listener"))
        try await listener.connect()
        let acks = AckInbox(try await listener.subscribe("fogledger/v1/devices/+/acks", qos: .atLeastOnce))
        let reading = try Signed.sign(
            try Reading(chainID: genesis.chainID, device: device.publicKey.address, sequence: 1,
                        timeMillis: genesis.timeMillis + 1, content: .inline(.unsigned(7))),
            with: device).bytes
        let tx = SignedEnvelope.transactionID(of: reading).hex
        try await broker.publishFile(reading, topic: "fogledger/v1/devices/\(device.publicKey.address.hex)/readings")
        let committed = try await acks.waitFor(tx: tx, status: "committed", seconds: 20)
        #expect(committed.topic == "fogledger/v1/devices/\(device.publicKey.address.hex)/acks")
        try await DevNodeProcessTests.waitCommitted(api, tx)
        await listener.disconnect()
        try await DevNodeProcessTests.terminate(node)
    }
}
