import FogCore
import FogCrypto
import FogExecution
public import FogNode
import FogStore
import FogTypes
import Foundation
public import Hummingbird
public import Logging
public import Prometheus

/// The node's HTTP API (Hummingbird 2): JSON under `/v1`, Prometheus `/metrics`, and the OpenAPI
/// document at `/openapi.yaml` (docs/architecture.md, "Node and API").
public struct NodeAPI: Sendable {
    /// The node served.
    public let node: any LedgerNode
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    /// The node's metrics (made from `registry`).
    public let metrics: NodeMetrics
    /// What `/v1/status` answers at the latest height.
    let statusSnapshot: StatusSnapshot

    /// An API for `node` whose metrics live in `registry`.
    public init(node: any LedgerNode, registry: PrometheusCollectorRegistry) {
        self.node = node
        self.registry = registry
        self.metrics = NodeMetrics(factory: PrometheusMetricsFactory(registry: registry))
        self.statusSnapshot = StatusSnapshot(genesis: node.genesis)
    }

    /// The router with every route.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        router.post("/v1/transactions") { request, _ in try await submit(request) }
        router.get("/v1/transactions/:id") { _, context in try await transaction(context) }
        router.get("/v1/transactions") { request, _ in try await transactionStatuses(request) }
        router.get("/v1/blocks/latest") { _, _ in try latestBlock() }
        router.get("/v1/blocks/:height") { _, context in try block(context) }
        router.get("/v1/devices/:address") { _, context in try device(context) }
        router.get("/v1/devices/:address/readings") { request, context in try readings(request, context) }
        router.get("/v1/readings/:device/:sequence/proof") { request, context in try readingProof(request, context) }
        router.get("/v1/state/:kind/:address/proof") { request, context in try stateProof(request, context) }
        router.get("/v1/status") { _, _ in try await status() }
        router.get("/metrics") { _, _ in await renderMetrics() }
        router.get("/openapi.yaml") { _, _ in try openAPIDocument() }
        return router
    }

    /// The application serving ``router()`` on `host`:`port` (0: any free port); `onServerRunning`
    /// learns the bound port.
    public func application(host: String, port: Int, logger: Logger,
                            onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "fogledger"),
                    onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
                    logger: logger)
    }

    // MARK: Submission

    /// The request's body, refused with 413 `body-too-large` when its declared length or its bytes
    /// exceed `limit`.
    static func collectBody(_ request: Request, upTo limit: Int) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIError(.contentTooLarge, "body-too-large", "the body of \(length) bytes exceeds \(limit)")
        }
        do {
            return Array(try await request.body.collect(upTo: limit).readableBytesView)
        } catch {
            throw APIError(.contentTooLarge, "body-too-large", "the body exceeds \(limit) bytes")
        }
    }

    func submit(_ request: Request) async throws -> Response {
        let contentType = Self.mediaType(request.headers[.contentType])
        let limit: Int
        switch contentType {
        case "application/cbor": limit = APILimits.maxCBORBodyBytes
        case "application/json": limit = APILimits.maxJSONBodyBytes
        case "application/cbor-seq": return try await submitSequence(request)
        default:
            throw APIError(.unsupportedMediaType, "unsupported-media-type",
                           "send one COSE_Sign1 envelope as application/cbor, or JSON {\"envelope\": base64}, "
                               + "or several as application/cbor-seq")
        }
        let bytes = try await Self.collectBody(request, upTo: limit)
        let envelope: [UInt8]
        if contentType == "application/json" {
            guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
                  let text = object["envelope"] as? String
            else {
                throw APIError.badRequest("malformed", "expected a JSON object {\"envelope\": \"<base64>\"}")
            }
            guard let decoded = Data(base64Encoded: text) else {
                throw APIError.badRequest("malformed", "envelope: not base64")
            }
            envelope = Array(decoded)
            guard envelope.count <= APILimits.maxCBORBodyBytes else {
                throw APIError(.contentTooLarge, "body-too-large", "the envelope exceeds \(APILimits.maxCBORBodyBytes) bytes")
            }
        } else {
            envelope = bytes
        }
        guard !envelope.isEmpty else { throw APIError.badRequest("malformed", "empty envelope") }
        do {
            let id = try await node.submit(envelope)
            metrics.submission("accepted")
            // The answer JSONBody.response would render (sorted keys; hex needs no escaping), written
            // directly: JSONSerialization costs more than admitting a reading.
            return JSONBody.bytes(Array("{\"id\":\"\(id.hex)\",\"status\":\"pending\"}".utf8),
                                  contentType: "application/json", status: .accepted)
        } catch {
            metrics.submission(error.code)
            throw APIError(Self.status(of: error), error.code, error.message)
        }
    }

    /// The media type a `Content-Type` value names: what precedes its parameters, without the
    /// spaces or tabs around it, in lowercase (RFC 9110 §8.3.1); "" when there is none. Byte-wise:
    /// Foundation's trimming and case mapping took about 2 % of a dev node's CPU per reading.
    static func mediaType(_ value: String?) -> String {
        guard let value else { return "" }
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var type: [UInt8] = []
        for byte in value.utf8 {
            if byte == UInt8(ascii: ";") { break }
            if isBlank(byte), type.isEmpty { continue }
            type.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte)
        }
        while let last = type.last, isBlank(last) { type.removeLast() }
        return String(decoding: type, as: UTF8.self)
    }

    static func status(of error: SubmissionError) -> HTTPResponse.Status {
        switch error.kind {
        case .malformed: .badRequest
        case .conflict: .conflict
        case .rejected: .unprocessableContent
        case .unavailable: .serviceUnavailable
        }
    }

    func transaction(_ context: BasicRequestContext) async throws -> Response {
        let id = try Self.hash(context, "id")
        switch try await node.status(of: id) {
        case .pending:
            return JSONBody.response(["id": id.hex, "status": "pending"])
        case .unknown:
            throw APIError.notFound("unknown-transaction", "transaction \(id.hex) is neither pending nor committed")
        case .committed(let stored):
            return JSONBody.response([
                "id": id.hex, "status": "committed", "height": stored.location.height,
                "index": stored.location.index,
                "receipt": ["code": stored.receipt.code, "ok": stored.receipt.isOK, "height": stored.receipt.height],
            ])
        }
    }

    // MARK: Blocks and status

    func latestBlock() throws -> Response {
        let height = try node.store.latestHeight()
        guard height > 0 else { throw APIError.notFound("unknown-block", "no block has been committed yet") }
        return try blockResponse(height)
    }

    func block(_ context: BasicRequestContext) throws -> Response {
        try blockResponse(try Self.uint(context.parameters.get("height"), "height"))
    }

    private func blockResponse(_ height: UInt64) throws -> Response {
        guard let block = try node.store.block(at: height) else {
            throw APIError.notFound("unknown-block", "no block at height \(height)")
        }
        let header = block.header
        var object: [String: Any] = [
            "height": header.height, "id": header.blockID.hex, "time": header.timeMillis,
            "chainID": header.chainID.value, "previousBlockID": header.previousBlockID.hex,
            "lastCommitHash": header.lastCommitHash.hex, "transactionsRoot": header.transactionsRoot.hex,
            "readingsRoot": header.readingsRoot.hex, "stateRoot": header.stateRoot.hex,
            "validatorsHash": header.validatorsHash.hex, "nextValidatorsHash": header.nextValidatorsHash.hex,
            "proposer": header.proposer.hex,
            "transactions": block.transactions.map { SignedEnvelope.transactionID(of: $0).hex },
            "header": Data(header.encoded).base64EncodedString(),
        ]
        if let commit = try node.store.commit(at: height) {
            object["commit"] = Data(commit.encoded).base64EncodedString()
        }
        return JSONBody.response(object)
    }

    func status() async throws -> Response {
        let latest = try statusSnapshot.latest(in: node.store)
        let pending = await node.pendingCount
        metrics.mempool.record(Double(pending))
        let peers = await node.connectedPeers
        return JSONBody.bytes(Array(statusSnapshot.json(latest, pending: pending, peers: peers).utf8),
                              contentType: "application/json")
    }

    func renderMetrics() async -> Response {
        metrics.mempool.record(Double(await node.pendingCount))
        if let height = try? node.store.latestHeight() { metrics.height.record(Double(height)) }
        return JSONBody.bytes(registry.emitToBuffer(), contentType: "text/plain; version=0.0.4; charset=utf-8")
    }

    func openAPIDocument() throws -> Response {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let data = try? Data(contentsOf: url)
        else { throw APIError(.internalServerError, "internal", "the OpenAPI document is missing from the build") }
        return JSONBody.bytes(Array(data), contentType: "application/yaml")
    }

    /// The OpenAPI document's text.
    public static func openAPIText() -> String? {
        Bundle.module.url(forResource: "openapi", withExtension: "yaml")
            .flatMap { try? String(contentsOf: $0, encoding: .utf8) }
    }

    // MARK: Devices and readings

    func device(_ context: BasicRequestContext) throws -> Response {
        let address = try Self.address(context, "address")
        guard let record = try node.store.device(address) else {
            throw APIError.notFound("unknown-device", "no device \(address.hex)")
        }
        var object: [String: Any] = [
            "address": address.hex, "publicKey": Hex.encode(COSEKey.encode(record.publicKey)),
            "did": record.publicKey.did, "owner": record.owner.hex, "type": record.deviceType,
            "metadata": Hex.encode(record.metadata.encoded), "status": "\(record.status)",
            "lastSequence": record.lastSequence, "registeredAt": record.registeredAt, "nonce": record.nonce,
            "record": Data(record.encoded).base64EncodedString(),
        ]
        if let gateway = record.attestingGateway { object["gateway"] = gateway.hex }
        return JSONBody.response(object)
    }

    func readings(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let address = try Self.address(context, "address")
        let query = request.uri.queryParameters
        let from = try query.get("from").map { try Self.uint($0, "from") } ?? 0
        let to = try query.get("to").map { try Self.uint($0, "to") } ?? UInt64.max
        guard from <= to else { throw APIError.badRequest("invalid-query", "from (\(from)) is after to (\(to))") }
        let limit = try query.get("limit").map { text -> Int in
            guard let value = Int(text), (1...APILimits.maxReadingsPage).contains(value) else {
                throw APIError.badRequest("invalid-query", "limit must be 1–\(APILimits.maxReadingsPage)")
            }
            return value
        } ?? APILimits.defaultReadingsPage
        let cursor = try query.get("cursor").map { text -> ReadingCursor in
            guard let cursor = ReadingCursor(token: text) else {
                throw APIError.badRequest("invalid-query", "cursor is not one this API returned")
            }
            return cursor
        }
        let page = try node.store.readings(device: address, timeMillis: from..<to, after: cursor, limit: limit)
        var object: [String: Any] = [
            "device": address.hex,
            "readings": page.readings.map { stored -> [String: Any] in
                var entry: [String: Any] = [
                    "sequence": stored.reading.sequence, "time": stored.reading.timeMillis, "height": stored.height,
                    "index": stored.index, "reading": Data(stored.reading.encoded).base64EncodedString(),
                ]
                switch stored.reading.content {
                case .inline(let value): entry["value"] = Hex.encode(value.encoded)
                case .payload(let hash, let mediaType):
                    entry["payloadHash"] = hash.hex
                    entry["mediaType"] = mediaType
                }
                entry["trust"] = stored.reading.attestingGateway == nil ? "device-signed" : "gateway-attested"
                if let gateway = stored.reading.attestingGateway { entry["attestedBy"] = gateway.hex }
                return entry
            },
        ]
        if let next = page.next { object["next"] = next.token }
        return JSONBody.response(object)
    }

    // MARK: Proofs

    func readingProof(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let device = try Self.address(context, "device")
        let sequence = try Self.uint(context.parameters.get("sequence"), "sequence")
        guard let proof = try node.readingProof(device: device, sequence: sequence) else {
            throw APIError.notFound("unknown-reading", "no committed reading \(sequence) of device \(device.hex)")
        }
        return Self.bundle(proof.encoded, request, extra: [
            "height": proof.signedHeader.header.height, "device": device.hex, "sequence": sequence,
        ])
    }

    func stateProof(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let address = try Self.address(context, "address")
        let key: Hash256
        switch context.parameters.get("kind") {
        case "accounts": key = StateKey.account(address)
        case "devices": key = StateKey.device(address)
        default: throw APIError.notFound("unknown-route", "state proofs are for accounts or devices")
        }
        let height = try request.uri.queryParameters.get("height").map { try Self.uint($0, "height") }
        let proof: StateProof
        do {
            proof = try node.stateProof(key: key, height: height)
        } catch let error as StoreError where error.code == .unknownHeight || error.code == .heightPruned {
            throw APIError.notFound(error.code.rawValue, error.message)
        }
        return Self.bundle(proof.encoded, request, extra: [
            "height": proof.signedHeader.header.height, "key": key.hex, "present": proof.record != nil,
        ])
    }

    /// A proof bundle as CBOR when the client accepts `application/cbor` (and not JSON first), else
    /// JSON with the bundle in base64.
    static func bundle(_ bytes: [UInt8], _ request: Request, extra: [String: Any]) -> Response {
        let accept = request.headers[.accept] ?? ""
        if accept.contains("application/cbor"), !accept.hasPrefix("application/json") {
            return JSONBody.bytes(bytes, contentType: "application/cbor")
        }
        var object = extra
        object["proof"] = Data(bytes).base64EncodedString()
        return JSONBody.response(object)
    }

    // MARK: Parameters

    static func uint(_ text: String?, _ name: String) throws -> UInt64 {
        guard let text, let value = UInt64(text) else {
            throw APIError.badRequest("invalid-parameter", "\(name) must be an unsigned integer")
        }
        return value
    }

    static func address(_ context: BasicRequestContext, _ name: String) throws -> Address {
        guard let text = context.parameters.get(name), let address = Address(hex: text) else {
            throw APIError.badRequest("invalid-parameter", "\(name) must be a 20-byte address in hex")
        }
        return address
    }

    static func hash(_ context: BasicRequestContext, _ name: String) throws -> Hash256 {
        guard let text = context.parameters.get(name), let hash = Hash256(hex: text) else {
            throw APIError.badRequest("invalid-parameter", "\(name) must be a 32-byte hash in hex")
        }
        return hash
    }
}
