import FogCore
import FogCrypto
import FogGateway
import FogLight
import FogNode
import FogTestSupport
import FogTypes
import Foundation
import Testing

/// Gateway mode through a real Mosquitto into an in-process dev node: a device that cannot sign
/// sends HMAC-tagged readings, the gateway attests them with its account, and the committed
/// readings (index and proof) say so; a bad tag, an unknown key and a replay are rejected with a reason.
@Suite(.heavy, .serialized, .enabled(if: LocalMosquitto.available)) struct GatewayModeMosquittoTests {
    static let gatewayAccount = DevChain.key(40)
    static let identity = DevChain.key(41)
    static let hmacKey = [UInt8](repeating: 0x5a, count: 32)

    @Test(.timeLimit(.minutes(2))) func hmacDeviceThroughTheGateway() async throws {
        let harness = try await GatewayHarness(gatewayMode: { node, folder in
            GatewayModeConfiguration(accountKey: Self.gatewayAccount, keys: DeviceKeyStore(folder: folder), ledger: node)
        })
        do {
            try await run(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    private func run(_ harness: GatewayHarness) async throws {
        let node = harness.chain.node
        let device = Self.identity.publicKey.address
        let gateway = Self.gatewayAccount.publicKey.address
        // The operator creates the gateway's account and registers the device as attested by it.
        try await commit(node, DevChain.transaction(.createAccount(publicKey: Self.gatewayAccount.publicKey), nonce: 0))
        let registration = try DeviceRegistration(publicKey: Self.identity.publicKey, deviceType: "meter", metadata: .map([]))
        try await commit(node, DevChain.transaction(.gateway(.registerAttestedDevice(registration, gateway: gateway)), nonce: 1))
        let folder = harness.broker.directory.appendingPathComponent("gateway-keys").path
        try DeviceKeyStore.write(Self.hmacKey, device: device, folder: folder)
        #expect(try DevNodeProcessTests.permissions(DeviceKeyStore.path(folder: folder, device: device)) == 0o600)

        let acksTopic = "fogledger/v1/devices/\(device.hex)/acks"
        func send(_ seq: UInt64, key: [UInt8] = Self.hmacKey, device: Address = device, value: UInt64? = nil) async throws {
            let reading = try Reading(chainID: DevChain.chainID, device: device, sequence: seq,
                                      timeMillis: DevChain.genesisTime + seq, content: .inline(.unsigned(value ?? seq * 10)))
            try await harness.device.publish(topic: "fogledger/v1/gateway/devices/\(device.hex)/readings",
                                             payload: try HMACReading(reading).message(key: key), qos: .atLeastOnce)
        }
        for seq in UInt64(1)...3 { try await send(seq) }
        for seq in 1...3 {
            let accepted = try await harness.acks.next(on: acksTopic, seq: seq, status: "accepted")
            let committed = try await harness.acks.next(on: acksTopic, seq: seq, status: "committed")
            #expect(accepted.tx != nil && committed.tx == accepted.tx)
        }
        // The index and the proof record the gateway's attestation.
        let page = try node.store.readings(device: device, timeMillis: 0..<UInt64.max, after: nil, limit: 10)
        #expect(page.readings.map(\.reading.sequence) == [1, 2, 3])
        #expect(page.readings.allSatisfy { $0.reading.attestingGateway == gateway })
        let proof = try #require(try node.readingProof(device: device, sequence: 2))
        let verified = try LightVerifier(genesis: harness.chain.genesis).verify(proof)
        #expect(verified.trust == .gatewayAttested(gateway))
        #expect(verified.reading.content == .inline(.unsigned(20)))

        // A wrong key: rejected with the reason, nothing committed.
        try await send(4, key: [UInt8](repeating: 1, count: 32))
        #expect(try await harness.acks.next(on: acksTopic, seq: 4, status: "rejected").code == "bad-signature")
        // A resend of a committed reading (its ack was lost): already committed, at its height.
        try await send(2)
        let resent = try await harness.acks.next(on: acksTopic, seq: 2, status: "rejected")
        let height = try #require(try node.store.reading(device: device, sequence: 2)).height
        #expect(resent.code == "already-committed")
        #expect(resent.message == "seq 2 is already committed at height \(height)")
        // Another reading with a sequence number already taken: stale, not recorded.
        try await send(2, value: 999)
        #expect(try await harness.acks.next(on: acksTopic, seq: 2, status: "rejected").code == "stale-sequence")
        // A device whose key the gateway does not hold.
        let stranger = DevChain.stranger.publicKey.address
        try await send(1, device: stranger)
        #expect(try await harness.acks.next(on: "fogledger/v1/devices/\(stranger.hex)/acks", seq: 1, status: "rejected").code
                == "unknown-device")
        #expect(try node.store.device(device)?.lastSequence == 3)
        // The next good reading still goes through.
        try await send(5)
        _ = try await harness.acks.next(on: acksTopic, seq: 5, status: "committed")
    }

    private func commit(_ node: DevNode, _ envelope: [UInt8]) async throws {
        let id = try await node.submit(envelope)
        try await withDeadline(10, "transaction committed") {
            while true {
                if case .committed(let stored) = try await node.status(of: id) {
                    #expect(stored.receipt.code == "ok")
                    return
                }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }
}
