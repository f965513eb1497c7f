import FogAPI
import FogCore
import FogCrypto
import FogExecution
import FogLight
import FogNode
import FogTestKit
import FogTypes
import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

@Suite struct NodeAPITests {
    /// Runs `body` against the API of a fresh dev chain, in process.
    func withAPI(limits: MempoolLimits = MempoolLimits(),
                 _ body: @Sendable @escaping (DevChain, any TestClientProtocol) async throws -> Void) async throws {
        let chain = try DevChain(limits: limits)
        let api = NodeAPI(node: chain.node, registry: PrometheusCollectorRegistry())
        let app = Application(router: api.router())
        try await app.test(.router) { client in try await body(chain, client) }
    }

    static func cbor(_ bytes: [UInt8]) -> (HTTPFields, ByteBuffer) {
        ([.contentType: "application/cbor"], ByteBuffer(bytes: bytes))
    }

    @discardableResult
    static func submit(_ client: some TestClientProtocol, _ envelope: [UInt8], expect status: HTTPResponse.Status,
                       code: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        try await client.execute(uri: "/v1/transactions", method: .post, headers: [.contentType: "application/cbor"],
                                 body: ByteBuffer(bytes: envelope)) { response in
            let object = json(response.body)
            #expect(response.status == status, "\(object)", sourceLocation: sourceLocation)
            if let code {
                #expect(error(object) == code, sourceLocation: sourceLocation)
            }
            return object
        }
    }

    @discardableResult
    static func get(_ client: some TestClientProtocol, _ uri: String, expect status: HTTPResponse.Status = .ok,
                    code: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        try await client.execute(uri: uri, method: .get) { response in
            let object = json(response.body)
            #expect(response.status == status, "\(uri): \(object)", sourceLocation: sourceLocation)
            if let code {
                #expect(error(object) == code, sourceLocation: sourceLocation)
            }
            return object
        }
    }

    static func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]) ?? [:]
    }

    static func error(_ object: [String: Any]) -> String? {
        (object["error"] as? [String: Any])?["code"] as? String
    }

    @Test func submitCommitAndQuery() async throws {
        try await withAPI { chain, client in
            let registered = try await Self.submit(client, DevChain.registration(), expect: .accepted)
            #expect(registered["status"] as? String == "pending")
            let id = try #require(registered["id"] as? String)
            let pending = try await Self.get(client, "/v1/transactions/\(id)")
            #expect(pending["status"] as? String == "pending")
            try await chain.node.produceBlock()
            let atOne = try await Self.get(client, "/v1/status")
            #expect(atOne["height"] as? Int == 1 && atOne["pending"] as? Int == 0)
            // JSON submission with base64.
            let body = try JSONSerialization.data(withJSONObject: ["envelope": Data(DevChain.reading(seq: 1)).base64EncodedString()])
            try await client.execute(uri: "/v1/transactions", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(bytes: body)) { response in
                #expect(response.status == .accepted)
            }
            try await Self.submit(client, DevChain.batch(seqs: [2, 3, 4]), expect: .accepted)
            try await chain.node.produceBlock()

            let committed = try await Self.get(client, "/v1/transactions/\(id)")
            #expect(committed["status"] as? String == "committed" && committed["height"] as? Int == 1)
            #expect((committed["receipt"] as? [String: Any])?["code"] as? String == "ok")

            let latest = try await Self.get(client, "/v1/blocks/latest")
            #expect(latest["height"] as? Int == 2 && (latest["transactions"] as? [String])?.count == 2)
            let first = try await Self.get(client, "/v1/blocks/1")
            #expect((first["transactions"] as? [String]) == [id])
            #expect(latest["previousBlockID"] as? String == first["id"] as? String)

            let device = DevChain.sensor.publicKey.address.hex
            let record = try await Self.get(client, "/v1/devices/\(device)")
            #expect(record["lastSequence"] as? Int == 4 && record["status"] as? String == "active")
            #expect(record["owner"] as? String == DevChain.operatorKey.publicKey.address.hex)

            let status = try await Self.get(client, "/v1/status")
            #expect(status["height"] as? Int == 2 && status["chainID"] as? String == "fogledger-dev")
            #expect(status["genesisHash"] as? String == chain.genesis.hash.hex)
            // What the status keeps between polls follows the new height.
            #expect(atOne["latestBlockID"] as? String == first["id"] as? String)
            #expect(status["latestBlockID"] as? String == latest["id"] as? String)
            #expect(status["stateRoot"] as? String == (try chain.store.latestStateRoot()).hex)
            #expect(status["stateRoot"] as? String != atOne["stateRoot"] as? String)
        }
    }

    @Test func readingsPaginateWithACursor() async throws {
        try await withAPI { chain, client in
            try await Self.submit(client, DevChain.registration(), expect: .accepted)
            try await Self.submit(client, DevChain.batch(seqs: Array(1...25)), expect: .accepted)
            try await chain.node.produceBlock()
            let device = DevChain.sensor.publicKey.address.hex
            var seen: [Int] = []
            var uri = "/v1/devices/\(device)/readings?limit=10"
            for _ in 0..<5 {
                let page = try await Self.get(client, uri)
                seen += ((page["readings"] as? [[String: Any]]) ?? []).compactMap { $0["sequence"] as? Int }
                guard let next = page["next"] as? String else { break }
                uri = "/v1/devices/\(device)/readings?limit=10&cursor=\(next)"
            }
            #expect(seen == Array(1...25))
            let ranged = try await Self.get(
                client, "/v1/devices/\(device)/readings?from=\(DevChain.genesisTime + 5)&to=\(DevChain.genesisTime + 8)")
            #expect(((ranged["readings"] as? [[String: Any]]) ?? []).compactMap { $0["sequence"] as? Int } == [5, 6, 7])
            // Bad pagination.
            for query in ["limit=0", "limit=1001", "limit=x", "cursor=zz", "from=9&to=3", "from=-1"] {
                try await Self.get(client, "/v1/devices/\(device)/readings?\(query)", expect: .badRequest,
                                   code: query.hasPrefix("from=-") ? "invalid-parameter" : nil)
            }
            let unknown = try await Self.get(client, "/v1/devices/\(DevChain.stranger.publicKey.address.hex)/readings")
            #expect((unknown["readings"] as? [Any])?.isEmpty == true && unknown["next"] == nil)
        }
    }

    @Test func proofsAsCBORAndJSONVerify() async throws {
        try await withAPI { chain, client in
            try await Self.submit(client, DevChain.registration(), expect: .accepted)
            try await Self.submit(client, DevChain.batch(seqs: [1, 2, 3]), expect: .accepted)
            try await chain.node.produceBlock()
            let verifier = LightVerifier(genesis: chain.genesis)
            let device = DevChain.sensor.publicKey.address.hex
            try await client.execute(uri: "/v1/readings/\(device)/2/proof", method: .get,
                                     headers: [.accept: "application/cbor"]) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "application/cbor")
                let verified = try verifier.verifyReadingProof(Array(response.body.readableBytesView))
                #expect(verified.reading.sequence == 2)
            }
            let json = try await Self.get(client, "/v1/readings/\(device)/3/proof")
            let text = try #require(json["proof"] as? String)
            let bytes = try #require(Data(base64Encoded: text))
            #expect(try verifier.verifyReadingProof(Array(bytes)).reading.sequence == 3)
            try await Self.get(client, "/v1/readings/\(device)/4/proof", expect: .notFound, code: "unknown-reading")
            try await Self.get(client, "/v1/readings/nothex/4/proof", expect: .badRequest, code: "invalid-parameter")

            let state = try await Self.get(client, "/v1/state/devices/\(device)/proof?height=1")
            let stateText = try #require(state["proof"] as? String)
            let stateBytes = try #require(Data(base64Encoded: stateText))
            let verified = try verifier.verifyStateProof(Array(stateBytes))
            #expect(verified.record != nil && verified.height == 1 && state["present"] as? Bool == true)
            let account = try await Self.get(
                client, "/v1/state/accounts/\(DevChain.stranger.publicKey.address.hex)/proof")
            #expect(account["present"] as? Bool == false)
            try await Self.get(client, "/v1/state/devices/\(device)/proof?height=2", expect: .notFound, code: "unknown-height")
            try await Self.get(client, "/v1/state/devices/\(device)/proof?height=0", expect: .notFound, code: "unknown-height")
            try await Self.get(client, "/v1/state/widgets/\(device)/proof", expect: .notFound)
        }
    }

    @Test func everyBadSubmissionHasItsStatusAndCode() async throws {
        try await withAPI(limits: MempoolLimits(maxCount: 2)) { chain, client in
            // Unknown device → 422; malformed CBOR → 400; bad signature → 400; wrong chain → 422.
            try await Self.submit(client, DevChain.reading(seq: 1), expect: .unprocessableContent, code: "unknown-device")
            try await Self.submit(client, [0xff, 0x00, 0x13], expect: .badRequest, code: "malformed")
            var tampered = DevChain.registration()
            tampered[tampered.count - 1] ^= 0x01
            try await Self.submit(client, tampered, expect: .badRequest, code: "bad-signature")
            try await Self.submit(client, DevChain.reading(seq: 1, chain: try ChainID("other-chain")),
                                  expect: .unprocessableContent, code: "wrong-chain")
            try await Self.submit(client, DevChain.registration(), expect: .accepted)
            // Duplicate → 409; replayed sequence → 409; mempool full → 503.
            try await Self.submit(client, DevChain.registration(), expect: .conflict, code: "duplicate")
            try await Self.submit(client, DevChain.reading(seq: 1), expect: .accepted)
            try await Self.submit(client, DevChain.reading(seq: 2), expect: .serviceUnavailable, code: "mempool-full")
            try await chain.node.produceBlock()
            // After the commit: the same reading again → 409 already-committed; another reading with
            // that sequence number → 409 stale-sequence; the committed registration again → already-committed.
            try await Self.submit(client, DevChain.reading(seq: 1), expect: .conflict, code: "already-committed")
            try await Self.submit(client, DevChain.reading(seq: 1, value: 7), expect: .conflict, code: "stale-sequence")
            try await Self.submit(client, DevChain.registration(), expect: .conflict, code: "already-committed")
            try await Self.submit(client, DevChain.registration(DevChain.stranger, nonce: 5), expect: .conflict, code: "bad-nonce")

            // Oversize bodies → 413 (CBOR and JSON), wrong media type → 415, bad JSON → 400.
            let big = [UInt8](repeating: 0, count: APILimits.maxCBORBodyBytes + 1)
            try await Self.submit(client, big, expect: .contentTooLarge, code: "body-too-large")
            let bigJSON = ByteBuffer(bytes: [UInt8](repeating: 0x20, count: APILimits.maxJSONBodyBytes + 1))
            try await client.execute(uri: "/v1/transactions", method: .post, headers: [.contentType: "application/json"],
                                     body: bigJSON) { response in
                #expect(response.status == .contentTooLarge)
            }
            for (type, body, status) in [("text/plain", "x", HTTPResponse.Status.unsupportedMediaType),
                                         ("application/json", "{\"envelope\": 5}", .badRequest),
                                         ("application/json", "{\"envelope\": \"!!\"}", .badRequest),
                                         ("application/json", "[", .badRequest),
                                         ("application/cbor", "", .badRequest)] {
                try await client.execute(uri: "/v1/transactions", method: .post, headers: [.contentType: type],
                                         body: ByteBuffer(string: body)) { response in
                    #expect(response.status == status, "\(type) \(body)")
                    #expect(Self.error(Self.json(response.body)) != nil)
                }
            }
        }
    }

    /// Mangled envelopes (bit flips, truncations, random bytes, random CBOR) are answered with a JSON
    /// body and a status below 500, and the node keeps serving.
    /// The media type is matched as RFC 9110 says: in any case, with parameters and the spaces
    /// around it ignored; a longer type that merely starts with a known one is not that type.
    @Test func submissionsMatchTheMediaTypeNotItsSpelling() async throws {
        try await withAPI { _, client in
            for (type, status) in [(" Application/CBOR ; profile=fogledger", HTTPResponse.Status.accepted),
                                   ("application/cbor2", .unsupportedMediaType), ("application/ cbor", .unsupportedMediaType),
                                   ("", .unsupportedMediaType)] {
                try await client.execute(uri: "/v1/transactions", method: .post, headers: [.contentType: type],
                                         body: ByteBuffer(bytes: DevChain.registration())) { response in
                    #expect(response.status == status, "\(type)")
                }
            }
        }
    }

    @Test func mangledSubmissionsNeverBreakTheNode() async throws {
        try await withAPI { chain, client in
            try await Self.submit(client, DevChain.registration(), expect: .accepted)
            try await chain.node.produceBlock()
            var rng = SeededGenerator(seed: 9162)
            let valid = [DevChain.reading(seq: 1), DevChain.batch(seqs: [1, 2, 3]),
                         DevChain.registration(DevChain.stranger, nonce: 1)]
            for round in 0..<300 {
                var bytes = valid[round % valid.count]
                switch round % 4 {
                case 0:
                    for _ in 0..<Int.random(in: 1...3, using: &rng) {
                        let index = Int.random(in: 0..<bytes.count, using: &rng)
                        bytes[index] ^= UInt8.random(in: 1...255, using: &rng)
                    }
                case 1: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
                case 2: bytes = (0..<Int.random(in: 1...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                default: bytes = RandomCBOR().value(using: &rng).encoded
                }
                try await client.execute(uri: "/v1/transactions", method: .post,
                                         headers: [.contentType: "application/cbor"], body: ByteBuffer(bytes: bytes)) { response in
                    #expect(response.status.code < 500, "round \(round): \(String(buffer: response.body))")
                    #expect(!Self.json(response.body).isEmpty, "round \(round)")
                }
            }
            try await chain.node.produceBlock()
            try await Self.get(client, "/v1/status")
        }
    }

    @Test func unknownThingsAre404AndBadParameters400() async throws {
        try await withAPI { _, client in
            try await Self.get(client, "/v1/blocks/latest", expect: .notFound, code: "unknown-block")
            try await Self.get(client, "/v1/blocks/1", expect: .notFound, code: "unknown-block")
            try await Self.get(client, "/v1/blocks/-1", expect: .badRequest, code: "invalid-parameter")
            try await Self.get(client, "/v1/blocks/99999999999999999999999", expect: .badRequest)
            try await Self.get(client, "/v1/transactions/\(String(repeating: "ab", count: 32))", expect: .notFound,
                               code: "unknown-transaction")
            try await Self.get(client, "/v1/transactions/abc", expect: .badRequest, code: "invalid-parameter")
            try await Self.get(client, "/v1/devices/\(DevChain.sensor.publicKey.address.hex)", expect: .notFound,
                               code: "unknown-device")
            try await Self.get(client, "/v1/devices/zz", expect: .badRequest, code: "invalid-parameter")
            try await Self.get(client, "/v1/state/devices/\(DevChain.sensor.publicKey.address.hex)/proof",
                               expect: .notFound, code: "unknown-height")
            // No such route, or not with this method: JSON errors too.
            try await Self.get(client, "/v1/nothing", expect: .notFound, code: "unknown-route")
            try await Self.get(client, "/", expect: .notFound, code: "unknown-route")
            try await client.execute(uri: "/v1/status", method: .delete) { response in
                #expect(response.status.code >= 400 && response.status.code < 500)
                #expect(Self.error(Self.json(response.body)) != nil, "\(String(buffer: response.body))")
            }
        }
    }

    @Test func metricsAndTheOpenAPIDocument() async throws {
        try await withAPI { chain, client in
            try await Self.submit(client, DevChain.registration(), expect: .accepted)
            try await Self.submit(client, [0x01], expect: .badRequest)
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(text.contains("fogledger_submissions_total{result=\"accepted\"} 1"))
                #expect(text.contains("fogledger_mempool_envelopes 1"))
            }
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == NodeAPI.openAPIText())
            }
            _ = chain
        }
    }

    /// The document's paths and methods are exactly the registered routes.
    @Test func theOpenAPIDocumentMatchesTheRoutes() throws {
        let chain = try DevChain()
        let router = NodeAPI(node: chain.node, registry: PrometheusCollectorRegistry()).router()
        let registered = Set(router.routes.map { route in
            let path = route.path.description.split(separator: "/").map { part in
                part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
            }
            return "\(route.method.rawValue.lowercased()) /" + path.joined(separator: "/")
        })
        let document = try #require(NodeAPI.openAPIText())
        #expect(document.hasPrefix("openapi: 3.1.0"))
        let documented = Set(OpenAPIPaths.operations(in: document))
        #expect(documented == registered)
        #expect(registered.count == 12)
    }
}

/// The operations of an OpenAPI document in YAML block style: each path is a two-space-indented key
/// under `paths:`, each method a four-space-indented key under it.
enum OpenAPIPaths {
    static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]

    static func operations(in document: String) -> [String] {
        var inPaths = false
        var path: String?
        var operations: [String] = []
        for line in document.split(separator: "\n", omittingEmptySubsequences: true) {
            if !line.hasPrefix(" ") {
                inPaths = line == "paths:"
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  "), !line.hasPrefix("   "), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":"), let path {
                let method = String(line.dropFirst(4).dropLast())
                if methods.contains(method) { operations.append("\(method) \(path)") }
            }
        }
        return operations
    }
}
