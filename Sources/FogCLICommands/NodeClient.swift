import ArgumentParser
import FogAPI
import FogCore
import FogCrypto
import FogTypes
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Limits of the CLI's HTTP client.
enum NodeClientLimits {
    /// Seconds a request may wait for the node's next bytes.
    static let requestTimeout: TimeInterval = 10
    /// Seconds a whole request may take.
    static let resourceTimeout: TimeInterval = 30
    /// The largest response body read (a proof bundle with a long history fits).
    static let maxResponseBytes = 16 * 1024 * 1024
}

/// `--node URL` (default `FOGLEDGER_NODE`, else http://127.0.0.1:8080).
struct NodeOptions: ParsableArguments {
    @Option(name: .long, help: "The node's API base URL (default: $FOGLEDGER_NODE, else http://127.0.0.1:8080).")
    var node: String?

    func client() throws(CLIError) -> NodeClient {
        let text = node ?? ProcessInfo.processInfo.environment["FOGLEDGER_NODE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "http://127.0.0.1:8080"
        var trimmed = text
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host != nil
        else { throw CLIError("invalid-argument", "--node must be an http(s) URL such as http://127.0.0.1:8080, not \"\(text)\"") }
        return NodeClient(base: trimmed)
    }
}

/// A minimal client of the node's HTTP API: bounded timeouts and response sizes; a node error
/// `{"error": {"code", "message"}}` becomes a `CLIError` with the node's code.
struct NodeClient: Sendable {
    let base: String

    init(base: String) {
        self.base = base
    }

    /// GET `path` (starting with /v1) as JSON.
    func getJSON(_ path: String) async throws(CLIError) -> JSONValue {
        let (data, _) = try await send(path, method: "GET", accept: "application/json", body: nil)
        return try Self.json(data, path)
    }

    /// GET `path` as CBOR bytes.
    func getCBOR(_ path: String) async throws(CLIError) -> [UInt8] {
        let (data, contentType) = try await send(path, method: "GET", accept: "application/cbor", body: nil)
        guard contentType.hasPrefix("application/cbor") else {
            throw CLIError("bad-response", "\(base)\(path) answered \(contentType), not application/cbor")
        }
        return Array(data)
    }

    /// POSTs one COSE_Sign1 envelope; returns the transaction id.
    func submit(_ envelope: [UInt8]) async throws(CLIError) -> String {
        let (data, _) = try await send("/v1/transactions", method: "POST", accept: "application/json",
                                       body: Data(envelope), contentType: "application/cbor")
        guard case .object(let object) = try Self.json(data, "/v1/transactions"), case .string(let id)? = object["id"] else {
            throw CLIError("bad-response", "the node's answer to a submission has no id")
        }
        return id
    }

    /// POSTs `envelopes` as `application/cbor-seq` bodies, as many per request as the node takes
    /// (`APILimits.maxSequenceEnvelopes`, `maxSequenceBodyBytes`); returns each envelope's id or the
    /// node's refusal (a `CLIError` with its code), in order. A request the node refuses whole throws.
    func submitAll(_ envelopes: [[UInt8]]) async throws(CLIError) -> [Result<String, CLIError>] {
        var results: [Result<String, CLIError>] = []
        var start = 0
        while start < envelopes.count {
            var end = start + 1
            var bytes = envelopes[start].count
            while end < envelopes.count, end - start < APILimits.maxSequenceEnvelopes,
                  bytes + envelopes[end].count <= APILimits.maxSequenceBodyBytes {
                bytes += envelopes[end].count
                end += 1
            }
            let (data, _) = try await send("/v1/transactions", method: "POST", accept: "application/json",
                                           body: Data(envelopes[start..<end].joined()), contentType: "application/cbor-seq")
            guard case .object(let object) = try Self.json(data, "/v1/transactions"), case .array(let answers)? = object["results"],
                  answers.count == end - start
            else { throw CLIError("bad-response", "the node's answer to a bulk submission has no result per envelope") }
            for answer in answers {
                if case .string(let id)? = answer["id"] {
                    results.append(.success(id))
                } else {
                    let code = answer["error"]?["code"]?.text ?? "bad-response"
                    let message = answer["error"]?["message"]?.text ?? code
                    results.append(.failure(CLIError(code, "node: \(message) (\(code))")))
                }
            }
            start = end
        }
        return results
    }

    /// Polls the transaction until committed (at most `timeout` seconds); returns its JSON.
    func waitCommitted(_ id: String, timeout: Double) async throws(CLIError) -> JSONValue {
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        while true {
            let answer = try await getJSON("/v1/transactions/\(id)")
            if case .object(let object) = answer, case .string("committed")? = object["status"] { return answer }
            guard ContinuousClock.now < deadline else {
                throw CLIError("timeout", "transaction \(id) was not committed within \(timeout) s")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The node's chain id (from /v1/status).
    func chainID() async throws(CLIError) -> ChainID {
        guard case .object(let status) = try await getJSON("/v1/status"), case .string(let text)? = status["chainID"],
              let chain = try? ChainID(text)
        else { throw CLIError("bad-response", "the node's status has no chain id") }
        return chain
    }

    /// The next nonce of `signer`: an account's from its state record, else a device's from its record.
    func nonce(of signer: Address) async throws(CLIError) -> UInt64 {
        let bytes: [UInt8]
        do {
            bytes = try await getCBOR("/v1/state/accounts/\(signer.hex)/proof")
        } catch where error.code == "unknown-height" {
            // No block yet: the state is the genesis', whose accounts start at nonce 0.
            return 0
        }
        do {
            let proof = try StateProof.decode(bytes)
            if let record = proof.record { return try AccountRecord.decode(record).nonce }
        } catch {
            throw CLIError("bad-response", "the node's account proof does not decode: \(error)")
        }
        // Not an account: a device signing for itself.
        do throws(CLIError) {
            if case .object(let device) = try await getJSON("/v1/devices/\(signer.hex)"), let nonce = device["nonce"]?.uint64 {
                return nonce
            }
        } catch where error.code == "unknown-device" {
            throw CLIError("unknown-account", "\(signer.hex) is neither an account nor a device on this chain")
        }
        throw CLIError("bad-response", "the node's device record has no nonce")
    }

    private func send(_ path: String, method: String, accept: String, body: Data?, contentType: String? = nil)
        async throws(CLIError) -> (Data, String)
    {
        guard let url = URL(string: base + path) else { throw CLIError("invalid-argument", "bad URL \(base)\(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue(accept, forHTTPHeaderField: "Accept")
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        request.httpBody = body
        request.timeoutInterval = NodeClientLimits.requestTimeout
        let (data, response) = try await BoundedDownload.run(request, limit: NodeClientLimits.maxResponseBytes, base: base)
        let http = response as? HTTPURLResponse
        let status = http?.statusCode ?? 0
        let type = (http?.value(forHTTPHeaderField: "Content-Type") ?? "").lowercased()
        guard (200..<300).contains(status) else {
            if case .object(let object)? = try? Self.json(data, path), case .object(let error)? = object["error"],
               case .string(let code)? = error["code"] {
                let message: String
                if case .string(let text)? = error["message"] { message = text } else { message = code }
                throw CLIError(code, "node: \(message) (\(code), HTTP \(status))")
            }
            throw CLIError("bad-response", "\(method) \(base)\(path): HTTP \(status)")
        }
        return (data, type)
    }

    static func json(_ data: Data, _ path: String) throws(CLIError) -> JSONValue {
        do {
            return try JSONDecoder().decode(DecodedJSON.self, from: data).value
        } catch {
            throw CLIError("bad-response", "the node's answer to \(path) is not JSON")
        }
    }
}

/// One request whose body is cut off (and the request cancelled) once it exceeds `limit` bytes.
private final class BoundedDownload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private let limit: Int
    private var data = Data()
    private var exceeded = false
    private var continuation: CheckedContinuation<(Data, URLResponse?, (any Error)?, Bool), Never>?
    private var response: URLResponse?

    private init(limit: Int) { self.limit = limit }

    static func run(_ request: URLRequest, limit: Int, base: String) async throws(CLIError) -> (Data, URLResponse) {
        let download = BoundedDownload(limit: limit)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = NodeClientLimits.requestTimeout
        configuration.timeoutIntervalForResource = NodeClientLimits.resourceTimeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: configuration, delegate: download, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let (data, response, error, exceeded) = await withCheckedContinuation { continuation in
            download.lock.withLock { download.continuation = continuation }
            session.dataTask(with: request).resume()
        }
        if exceeded {
            throw CLIError("bad-response", "the node's answer exceeds \(limit) bytes")
        }
        guard let response, error == nil else {
            throw CLIError("node-unreachable", "cannot reach the node at \(base) (\(error?.localizedDescription ?? "no response")); start one with `fogledger node --dev` or pass --node URL")
        }
        return (data, response)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        lock.withLock { self.response = response }
        if response.expectedContentLength > Int64(limit) {
            lock.withLock { exceeded = true }
            completionHandler(.cancel)
        } else {
            completionHandler(.allow)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive chunk: Data) {
        let cancel = lock.withLock { () -> Bool in
            guard !exceeded else { return false }
            if data.count + chunk.count > limit {
                exceeded = true
                return true
            }
            data.append(chunk)
            return false
        }
        if cancel { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, result) = lock.withLock { () -> (CheckedContinuation<(Data, URLResponse?, (any Error)?, Bool), Never>?, (Data, URLResponse?, (any Error)?, Bool)) in
            let pending = self.continuation
            self.continuation = nil
            return (pending, (data, response, error, exceeded))
        }
        continuation?.resume(returning: result)
    }
}

/// JSON decoded from a response into a `JSONValue` (booleans stay booleans, integers integers).
private struct DecodedJSON: Decodable {
    let value: JSONValue

    init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !array.isAtEnd { items.append(try array.decode(DecodedJSON.self).value) }
            value = .array(items)
            return
        }
        if let object = try? decoder.container(keyedBy: Key.self) {
            var members: [String: JSONValue] = [:]
            for key in object.allKeys { members[key.stringValue] = try object.decode(DecodedJSON.self, forKey: key).value }
            value = .object(members)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { value = .null }
        else if let bool = try? single.decode(Bool.self) { value = .bool(bool) }
        else if let int = try? single.decode(Int64.self) { value = .int(int) }
        else if let uint = try? single.decode(UInt64.self) { value = .uint(uint) }
        else if let double = try? single.decode(Double.self) { value = .double(double) }
        else { value = .string(try single.decode(String.self)) }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension JSONValue {
    /// An unsigned integer's value.
    var uint64: UInt64? {
        switch self {
        case .int(let value) where value >= 0: UInt64(value)
        case .uint(let value): value
        default: nil
        }
    }

    /// A member of an object.
    subscript(member: String) -> JSONValue? {
        if case .object(let members) = self { return members[member] }
        return nil
    }

    /// The text of a string value.
    var text: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}

/// Runs an async command body and prints its result as text or JSON, like `runReporting`.
func runReportingAsync(_ output: OutputOptions, _ body: () async throws -> (text: String, json: JSONValue)) async throws {
    do {
        let result = try await body()
        print(output.json ? result.json.rendered : result.text)
    } catch let error as CLIError {
        report(error, json: output.json)
        throw ExitCode(1)
    }
}

/// The key that signs a transaction: `--key FILE`, else DIR/operator.key of `--data DIR` (or
/// `FOGLEDGER_DATA`), a dev node's folder; plus `--nonce` (default: the signer's, from the node).
struct SignerOptions: ParsableArguments {
    @Option(name: .long, help: "The signing key file (default: operator.key in --data DIR).")
    var key: String?

    @Option(name: .long, help: "A dev node's data folder whose operator.key signs (default: $FOGLEDGER_DATA).")
    var data: String?

    @Option(name: .long, help: "The signer's nonce (default: fetched from the node).")
    var nonce: UInt64?

    /// The key and the path it came from.
    func signingKey() throws(CLIError) -> (key: PrivateKey, path: String) {
        if let key { return (try KeyFile.read(key), key) }
        let folder = data ?? ProcessInfo.processInfo.environment["FOGLEDGER_DATA"].flatMap { $0.isEmpty ? nil : $0 }
        guard let folder else {
            throw CLIError("invalid-argument", "give --key FILE, or --data DIR (or FOGLEDGER_DATA) of a dev node to sign with its operator.key")
        }
        let path = URL(fileURLWithPath: folder).appendingPathComponent("operator.key").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("invalid-argument", "\(folder) has no operator.key; is it a dev node's --data folder?")
        }
        return (try KeyFile.read(path), path)
    }
}

/// Submits a transaction body signed by `key` for `signer` (default: the key's own address; a
/// device's address when it signs its own rotation), waits for its commit unless `wait` is off, and
/// reports.
func submitTransaction(_ body: TransactionBody, key: PrivateKey, keyPath: String, signer: Address? = nil, nonce: UInt64?,
                       client: NodeClient, wait: WaitOptions) async throws -> (text: String, json: JSONValue) {
    let chain = try await client.chainID()
    let signer = signer ?? key.publicKey.address
    let nonceValue: UInt64
    if let nonce { nonceValue = nonce } else { nonceValue = try await client.nonce(of: signer) }
    let envelope: [UInt8]
    do {
        envelope = try Signed.sign(try body.transaction(chainID: chain, signer: signer, nonce: nonceValue), with: key).bytes
    } catch {
        throw CLIError(error.code.description, error.detail)
    }
    let id = try await client.submit(envelope)
    var rows: [(String, String)] = [("transaction", id), ("signer", "\(signer.hex) (key \(keyPath))"), ("nonce", "\(nonceValue)")]
    var json: [String: JSONValue] = [
        "id": .string(id), "signer": .string(signer.hex), "key": .string(keyPath), "nonce": .uint(nonceValue),
    ]
    try await wait.finish(id, client: client, rows: &rows, json: &json)
    return (table(rows), .object(json))
}

/// `--no-wait` and `--timeout`.
struct WaitOptions: ParsableArguments {
    @Flag(name: .long, help: "Return once the node has accepted the transaction, without waiting for its commit.")
    var noWait = false

    @Option(name: .long, help: "Seconds to wait for the commit.")
    var timeout: Double = 30

    /// Waits for the commit of `id` (unless --no-wait) and adds its receipt; a receipt other than ok
    /// is an error with the receipt's code.
    func finish(_ id: String, client: NodeClient, rows: inout [(String, String)], json: inout [String: JSONValue])
        async throws(CLIError)
    {
        guard !noWait else {
            rows.append(("status", "pending"))
            json["status"] = .string("pending")
            return
        }
        let committed = try await client.waitCommitted(id, timeout: timeout)
        let code = committed["receipt"]?["code"]?.text ?? "unknown"
        let height = committed["height"]?.uint64 ?? 0
        rows.append(("status", "committed"))
        rows.append(("receipt", code))
        rows.append(("height", "\(height)"))
        json["status"] = .string("committed")
        json["receipt"] = .string(code)
        json["height"] = .uint(height)
        guard code == "ok" else { throw CLIError(code, "transaction \(id) committed at height \(height) with receipt \(code)") }
    }
}
