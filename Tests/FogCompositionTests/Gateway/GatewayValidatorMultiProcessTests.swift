import FogCrypto
import FogExecution
import FogMQTT
import FogTestSupport
import FogTypes
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Four `fogledger node --home` validators made by `fogledger init`, node0 with `--mqtt` to a real
/// Mosquitto: a device publishes signed readings, gets an accepted and a committed ack for each, and
/// every validator has every reading.
@Suite(.heavy, .serialized, .enabled(if: LocalMosquitto.available)) struct GatewayValidatorMultiProcessTests {
    @Test(.timeLimit(.minutes(3))) func readingsThroughTheGatewayOfAValidator() async throws {
        let binary = try #require(DevNodeProcessTests.fogledger(), "cannot find the fogledger executable")
        let broker = try await LocalMosquitto()
        defer { broker.stop() }
        let home = broker.directory.appendingPathComponent("network").path
        let p2pBase = 12_000 + Int.random(in: 0..<2_500) * 8
        let initialised = try await DevNodeProcessTests.run(binary, [
            "init", "--validators", "4", "--out", home, "--p2p-port", "\(p2pBase)", "--http-port", "\(p2pBase + 4)",
            "--commit-delay-ms", "50",
        ])
        try #require(initialised.status == 0, "\(initialised.output)")
        let network = LocalNetwork(binary: binary, home: home, count: 4, httpBase: p2pBase + 4)
        defer { network.killAll() }
        try network.start(0, extraArguments: ["--mqtt", "mqtt://127.0.0.1:\(broker.port)",
                                               "--mqtt-client-id", "gateway-node0"])
        for index in 1..<4 { try network.start(index) }
        try await network.waitHeights(atLeast: 1, nodes: [0, 1, 2, 3], within: .seconds(40))

        let genesis = try Genesis.decode(Array(try Data(contentsOf: URL(fileURLWithPath: "\(home)/genesis.cbor"))))
        let operatorKey = try DevNodeProcessTests.readKey("\(home)/operator.key")
        let device = DevChain.sensor
        let registration = try Signed.sign(
            try TransactionBody.registerDevice(try DeviceRegistration(publicKey: device.publicKey, deviceType: "probe",
                                                                      metadata: .map([])))
                .transaction(chainID: genesis.chainID, signer: operatorKey.publicKey.address, nonce: 0),
            with: operatorKey).bytes
        let (answer, status) = try await DevNodeProcessTests.post(network.api(1), registration)
        try #require(status == 202, "\(answer)")
        try await DevNodeProcessTests.waitCommitted(network.api(0), try #require(answer["id"] as? String))

        let listener = MQTTClient(configuration: MQTTClientConfiguration(
            host: "127.0.0.1", port: broker.port, clientID: "validator-gateway-listener"))
        try await listener.connect()
        let acks = AckInbox(try await listener.subscribe("fogledger/v1/devices/+/acks", qos: .atLeastOnce))
        let deviceHex = device.publicKey.address.hex
        var ids: [String] = []
        for sequence in UInt64(1)...3 {
            let reading = try Signed.sign(
                try Reading(chainID: genesis.chainID, device: device.publicKey.address, sequence: sequence,
                            timeMillis: genesis.timeMillis + sequence, content: .inline(.unsigned(sequence))),
                with: device).bytes
            ids.append(SignedEnvelope.transactionID(of: reading).hex)
            try await broker.publishFile(reading, topic: "fogledger/v1/devices/\(deviceHex)/readings")
        }
        for id in ids {
            let accepted = try await acks.waitFor(tx: id, status: "accepted", seconds: 20)
            #expect(accepted.topic == "fogledger/v1/devices/\(deviceHex)/acks")
            let committed = try await acks.waitFor(tx: id, status: "committed", seconds: 30)
            #expect((committed.height ?? 0) >= 1)
            #expect(committed.arrival >= accepted.arrival)
        }
        for index in 0..<4 {
            for id in ids { try await DevNodeProcessTests.waitCommitted(network.api(index), id) }
            let (body, _) = try await URLSession.shared.data(
                from: URL(string: "\(network.api(index))/v1/devices/\(deviceHex)/readings?limit=10")!)
            let page = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            #expect((page["readings"] as? [Any])?.count == 3, "node\(index): \(page)")
        }
        await listener.disconnect()
        for index in 0..<4 { network.kill(index, signal: SIGTERM) }
        try await network.waitStopped(within: .seconds(20))
    }
}
