import FogCrypto
import FogGateway
import FogTypes
import Foundation
import Testing

@Suite struct GatewayValuesTests {
    static let device = DevChain.sensor.publicKey.address

    @Test func topicsParseOnlyTheContractsShapes() {
        let hex = Self.device.hex
        #expect(GatewayTopic(parsing: "fogledger/v1/devices/\(hex)/readings") == .readings(Self.device))
        #expect(GatewayTopic(parsing: "fogledger/v1/gateway/devices/\(hex)/readings") == .gatewayReadings(Self.device))
        #expect(GatewayTopic(parsing: "fogledger/v1/devices/\(hex.uppercased())/readings")
            == .unknownDevice(segment: hex.uppercased()))
        #expect(GatewayTopic(parsing: "fogledger/v1/devices/\(hex.dropLast())/readings")
            == .unknownDevice(segment: String(hex.dropLast())))
        #expect(GatewayTopic(parsing: "fogledger/v1/devices//readings") == .unknownDevice(segment: ""))
        for other in ["fogledger/v1/devices/\(hex)/acks", "fogledger/v1/devices/\(hex)/readings/x",
                      "fogledger/v2/devices/\(hex)/readings", "/fogledger/v1/devices/\(hex)/readings", ""] {
            #expect(GatewayTopic(parsing: other) == nil, "\(other)")
        }
        #expect(GatewayTopic.acks(Self.device) == "fogledger/v1/devices/\(hex)/acks")
        #expect(GatewayTopic.acks(segment: "dev-1") == "fogledger/v1/devices/dev-1/acks")
        #expect(GatewayTopic.acks(segment: "") == nil)
    }

    @Test func acksAreTheContractsJSON() throws {
        let tx = SHA256Hasher.hash(Array("x".utf8))
        #expect(String(decoding: GatewayAck.accepted(tx: tx).json, as: UTF8.self)
            == "{\"status\":\"accepted\",\"tx\":\"\(tx.hex)\"}")
        #expect(String(decoding: GatewayAck.committed(tx: tx, height: 123).json, as: UTF8.self)
            == "{\"status\":\"committed\",\"tx\":\"\(tx.hex)\",\"height\":123}")
        #expect(String(decoding: GatewayAck.rejected(tx: nil, code: "malformed", message: "m").json, as: UTF8.self)
            == "{\"status\":\"rejected\",\"tx\":null,\"code\":\"malformed\",\"message\":\"m\"}")
        // Any message text stays valid JSON.
        let message = "quote \" backslash \\ newline \n bell \u{7} é"
        let json = GatewayAck.rejected(tx: tx, code: "bad-signature", message: message).json
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        #expect(object["message"] as? String == message)
        #expect(object["tx"] as? String == tx.hex)
        #expect(object["code"] as? String == "bad-signature")
    }

    @Test func screenChecksSizeTypeChainAndTopicDevice() throws {
        let chain = DevChain.chainID
        let reading = DevChain.reading(seq: 1)
        #expect(try ReadingEnvelopeScreen.check(reading, device: Self.device, chain: chain).get()
            == SHA256Hasher.hash(try COSESign1(decoding: reading).payload))
        let batch = DevChain.batch(seqs: [1, 2])
        #expect((try? ReadingEnvelopeScreen.check(batch, device: Self.device, chain: chain).get()) != nil)

        func code(_ payload: [UInt8], device: Address = Self.device) -> String? {
            guard case .failure(let rejection) = ReadingEnvelopeScreen.check(payload, device: device, chain: chain) else {
                return nil
            }
            return rejection.code
        }
        #expect(code(reading, device: DevChain.stranger.publicKey.address) == "topic-mismatch")
        #expect(code(DevChain.registration()) == "wrong-object-type")
        #expect(code(Array("not cbor".utf8)) == "malformed")
        #expect(code(DevChain.reading(seq: 1, chain: try! ChainID("other-chain"))) == "wrong-chain")
        #expect(code([UInt8](repeating: 0, count: ObjectLimits.maxEnvelopeBytes + 1)) == "limit-exceeded")
        guard case .failure(let garbage) = ReadingEnvelopeScreen.check([0xff], device: Self.device, chain: chain) else {
            Issue.record("garbage accepted")
            return
        }
        #expect(garbage.tx == nil)
    }

    @Test func trackerOwesOneCommittedAckPerAcceptedTransaction() {
        let a = SHA256Hasher.hash([1]), b = SHA256Hasher.hash([2]), c = SHA256Hasher.hash([3])
        let other = SHA256Hasher.hash([4])
        var tracker = CommitAckTracker(capacity: 10, recentCapacity: 10)
        #expect(tracker.accepted(a, device: Self.device) == nil)
        #expect(tracker.accepted(b, device: Self.device) == nil)
        let due = tracker.committed(height: 5, ids: [other, b, a])
        #expect(due.map(\.tx) == [b, a] && due.allSatisfy { $0.height == 5 && $0.device == Self.device })
        #expect(tracker.pendingCount == 0)
        // Committed again (a replay in a later block): nothing more is owed.
        #expect(tracker.committed(height: 6, ids: [a]).isEmpty)
        // A block seen before the acceptance was recorded: the ack is due at once.
        #expect(tracker.committed(height: 7, ids: [c]).isEmpty)
        let late = tracker.accepted(c, device: Self.device)
        #expect(late?.tx == c && late?.height == 7 && late?.device == Self.device)
    }

    @Test func trackerForgetsTheOldestBeyondItsCapacity() {
        var tracker = CommitAckTracker(capacity: 100, recentCapacity: 50)
        let ids = (0..<1_000).map { SHA256Hasher.hash(Array("\($0)".utf8)) }
        for id in ids { _ = tracker.accepted(id, device: Self.device) }
        #expect(tracker.pendingCount == 100 && tracker.evicted == 900)
        let due = tracker.committed(height: 1, ids: ids)
        #expect(due.map(\.tx) == Array(ids.suffix(100)))
        // Unknown ids are remembered only up to the recent capacity.
        var fresh = CommitAckTracker(capacity: 10, recentCapacity: 50)
        _ = fresh.committed(height: 2, ids: ids)
        #expect(fresh.accepted(ids[0], device: Self.device) == nil)
        #expect(fresh.accepted(ids[999], device: Self.device)?.height == 2)
    }

    /// One attestation carries readings of several devices, accepted one by one: each gets its
    /// committed ack, whether its acceptance came before or after the block.
    @Test func attestedTrackerOwesEveryReadingOfAnAttestation() {
        let tx = SHA256Hasher.hash([9]), late = SHA256Hasher.hash([10])
        let other = DevChain.stranger.publicKey.address
        var tracker = AttestedCommitTracker(capacity: 10, recentCapacity: 10)
        let first = AttestedCommitTracker.Entry(device: Self.device, sequence: 1)
        let second = AttestedCommitTracker.Entry(device: other, sequence: 4)
        #expect(tracker.accepted(tx, entries: [first]).isEmpty)
        #expect(tracker.accepted(tx, entries: [second]).isEmpty)
        let due = tracker.committed(height: 3, ids: [tx])
        #expect(due.map(\.entry) == [first, second] && due.allSatisfy { $0.height == 3 && $0.tx == tx })
        // Both readings accepted after their block was seen.
        #expect(tracker.committed(height: 4, ids: [late]).isEmpty)
        #expect(tracker.accepted(late, entries: [first]).map(\.height) == [4])
        #expect(tracker.accepted(late, entries: [second]).map(\.entry) == [second])
        // One reading's admission reported before the block, the other's after it: both get their ack.
        let split = SHA256Hasher.hash([11])
        #expect(tracker.accepted(split, entries: [first]).isEmpty)
        #expect(tracker.committed(height: 5, ids: [split]).map(\.entry) == [first])
        #expect(tracker.accepted(split, entries: [second]).map(\.entry) == [second])
    }

    @Test func brokerURLs() throws {
        #expect(try BrokerURL("mqtt://127.0.0.1:1884") == BrokerURL("mqtt://127.0.0.1:1884"))
        let plain = try BrokerURL("mqtt://broker.local")
        #expect(plain.host == "broker.local" && plain.port == 1883 && !plain.tls)
        let tls = try BrokerURL("mqtts://[::1]:8884")
        #expect(tls.host == "::1" && tls.port == 8884 && tls.tls && tls.description == "mqtts://[::1]:8884")
        #expect(try BrokerURL("mqtts://h/").port == 8883)
        for bad in ["http://h:1", "mqtt://", "mqtt://h:0", "mqtt://h:70000", "mqtt://h:x", "mqtt://u@h:1", "mqtt://h:1/t"] {
            #expect(throws: GatewayConfigurationError.self, "\(bad)") { try BrokerURL(bad) }
        }
    }
}
