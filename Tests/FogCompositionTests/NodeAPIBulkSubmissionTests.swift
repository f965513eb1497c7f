@testable import FogAPI
import FogCore
import FogCrypto
import FogExecution
import FogNode
import FogTypes
import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

/// `POST /v1/transactions` with `application/cbor-seq`: one result per envelope in order, refusals
/// that do not fail the others, and whole-request refusals that admit nothing.
@Suite struct NodeAPIBulkSubmissionTests {
    /// Posts `envelopes` back to back as one `application/cbor-seq` body.
    @discardableResult
    static func submitAll(_ client: some TestClientProtocol, _ envelopes: [[UInt8]], contentType: String = "application/cbor-seq",
                          expect status: HTTPResponse.Status, code: String? = nil,
                          sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        try await client.execute(uri: "/v1/transactions", method: .post, headers: [.contentType: contentType],
                                 body: ByteBuffer(bytes: envelopes.flatMap { $0 })) { response in
            let object = NodeAPITests.json(response.body)
            #expect(response.status == status, "\(object)", sourceLocation: sourceLocation)
            #expect(response.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
            if let code { #expect(NodeAPITests.error(object) == code, "\(object)", sourceLocation: sourceLocation) }
            return object
        }
    }

    /// Each result as the id it accepted or the code it refused with.
    static func outcomes(_ object: [String: Any]) -> [String] {
        ((object["results"] as? [[String: Any]]) ?? []).map { result in
            if result["status"] as? String == "accepted", let id = result["id"] as? String { return id }
            return NodeAPITests.error(result) ?? "?"
        }
    }

    static func id(_ envelope: [UInt8]) -> String { SignedEnvelope.transactionID(of: envelope).hex }

    @Test func acceptsManyEnvelopesInOneRequestInOrder() async throws {
        try await NodeAPITests().withAPI { chain, client in
            let envelopes = [DevChain.registration()] + (1...40).map { DevChain.reading(seq: $0) } + [DevChain.batch(seqs: [41, 42])]
            let answer = try await Self.submitAll(client, envelopes, expect: .ok)
            #expect(Self.outcomes(answer) == envelopes.map(Self.id))
            #expect(await chain.node.pendingCount == envelopes.count)
            let block = try #require(try await chain.node.produceBlock())
            #expect(block.envelopes == envelopes.count && block.readings == 42)
            #expect(try chain.store.block(at: 1)?.transactions == envelopes)
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(String(buffer: response.body).contains("fogledger_submissions_total{result=\"accepted\"} \(envelopes.count)"))
            }
        }
    }

    @Test func oneEnvelopesRefusalDoesNotFailTheOthers() async throws {
        try await NodeAPITests().withAPI { chain, client in
            var tampered = DevChain.reading(seq: 5)
            tampered[tampered.count - 1] ^= 0x01
            let envelopes = [
                DevChain.reading(seq: 1),                      // the device is not registered yet
                DevChain.registration(),
                DevChain.reading(seq: 1),
                DevChain.reading(seq: 1),                      // the same envelope again
                tampered,
                DevChain.reading(seq: 3),
                DevChain.reading(seq: 2),                      // below the pending 3
                [0x01],                                        // well-formed CBOR, not an envelope
                DevChain.reading(seq: 4, chain: try ChainID("other-chain")),
                DevChain.reading(seq: 6),
            ]
            let answer = try await Self.submitAll(client, envelopes, expect: .ok)
            #expect(Self.outcomes(answer) == [
                "unknown-device", Self.id(envelopes[1]), Self.id(envelopes[2]), "duplicate", "bad-signature",
                Self.id(envelopes[5]), "stale-sequence", "malformed", "wrong-chain", Self.id(envelopes[9]),
            ])
            // The refusals carry the single route's messages.
            let results = try #require(answer["results"] as? [[String: Any]])
            #expect(((results[0]["error"] as? [String: Any])?["message"] as? String)?.isEmpty == false)
            try await chain.node.produceBlock()
            #expect(try chain.store.device(DevChain.sensor.publicKey.address)?.lastSequence == 6)
        }
    }

    @Test func aFullMempoolRefusesTheRestOfTheRequest() async throws {
        try await NodeAPITests().withAPI(limits: MempoolLimits(maxCount: 3)) { chain, client in
            let envelopes = [DevChain.registration()] + (1...4).map { DevChain.reading(seq: $0) }
            let answer = try await Self.submitAll(client, envelopes, expect: .ok)
            #expect(Self.outcomes(answer) == envelopes.prefix(3).map(Self.id) + ["mempool-full", "mempool-full"])
            // The client resends the refused suffix, in order, once there is room.
            try await chain.node.produceBlock()
            let again = try await Self.submitAll(client, Array(envelopes.suffix(2)), expect: .ok)
            #expect(Self.outcomes(again) == envelopes.suffix(2).map(Self.id))
        }
    }

    @Test func aMalformedSequenceIsRefusedWholeWithNothingAdmitted() async throws {
        try await NodeAPITests().withAPI { chain, client in
            let good = [DevChain.registration(), DevChain.reading(seq: 1)]
            // The last item is cut short; an indefinite-length item; a reserved head.
            for bad: [UInt8] in [Array(DevChain.reading(seq: 2).dropLast(3)), [0x9f, 0x01, 0xff], [0x1c]] {
                let answer = try await Self.submitAll(client, good + [bad], expect: .badRequest, code: "malformed")
                #expect(answer["results"] == nil)
            }
            // No envelope at all.
            try await Self.submitAll(client, [], expect: .badRequest, code: "malformed")
            #expect(await chain.node.pendingCount == 0)
            #expect(try chain.store.latestHeight() == 0)
        }
    }

    @Test func limitsOnEnvelopesAndBytesRefuseTheWholeRequest() async throws {
        try await NodeAPITests().withAPI { chain, client in
            // One envelope more than a sequence may carry (each a one-byte CBOR item).
            let tooMany = [DevChain.registration()] + Array(repeating: [UInt8(0x01)], count: APILimits.maxSequenceEnvelopes)
            try await Self.submitAll(client, tooMany, expect: .contentTooLarge, code: "too-many-envelopes")
            let atLimit = [DevChain.registration()] + Array(repeating: [UInt8(0x01)], count: APILimits.maxSequenceEnvelopes - 1)
            let answer = try await Self.submitAll(client, atLimit, expect: .ok)
            #expect(Self.outcomes(answer).count == APILimits.maxSequenceEnvelopes)
            // An item over the per-envelope limit (a byte string), and a body over the sequence limit.
            let oversized = CBORValue.bytes([UInt8](repeating: 7, count: APILimits.maxCBORBodyBytes)).encoded
            try await Self.submitAll(client, [DevChain.reading(seq: 1), oversized], expect: .contentTooLarge, code: "body-too-large")
            let body = [UInt8](repeating: 0x01, count: APILimits.maxSequenceBodyBytes + 1)
            try await Self.submitAll(client, [body], expect: .contentTooLarge, code: "body-too-large")
            #expect(await chain.node.pendingCount == 1)
        }
    }

    @Test func otherMediaTypesAreRefused() async throws {
        try await NodeAPITests().withAPI { chain, client in
            for type in ["application/cbor-sequence", "application/octet-stream", "text/plain"] {
                try await Self.submitAll(client, [DevChain.registration()], contentType: type, expect: .unsupportedMediaType,
                                         code: "unsupported-media-type")
            }
            // Parameters after the media type are ignored, as for application/cbor.
            try await Self.submitAll(client, [DevChain.registration()], contentType: "application/cbor-seq; charset=binary",
                                     expect: .ok)
            #expect(await chain.node.pendingCount == 1)
        }
    }

    @Test func resultsJSONEscapesMessages() throws {
        let answer = NodeAPI.resultsJSON([
            .success(Hash256(bytes: [UInt8](repeating: 0xab, count: 32))!),
            .failure(SubmissionError(.malformed, "malformed", "a \"quoted\" \\ line\nand \u{1}")),
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any])
        let results = try #require(object["results"] as? [[String: Any]])
        #expect(results[0]["id"] as? String == String(repeating: "ab", count: 32))
        #expect((results[1]["error"] as? [String: Any])?["message"] as? String == "a \"quoted\" \\ line\nand \u{1}")
    }
}
