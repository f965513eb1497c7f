public import FogCrypto
public import FogDevice
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Limits of the HTTP transport.
public enum HTTPTransportLimits {
    /// Seconds a request may take.
    public static let requestTimeout: Double = 10
    /// Largest answer read; a status answer for ``statusesPerPoll`` transactions is about 25 KiB.
    public static let maxResponseBytes = 64 * 1024
    /// Transaction ids one status poll asks about (the node answers at most 256).
    public static let statusesPerPoll = 128
}

/// Sends envelopes straight to a node: `POST /v1/transactions` (application/cbor), then watches
/// the pending ones until their commit with one `GET /v1/transactions?ids=…` per poll for many.
public final class HTTPTransport: DeviceTransport {
    /// The node's API base URL, without a trailing slash.
    public let base: String
    public let acknowledgements: AsyncStream<TransportAck>
    private let watcher: CommitWatcher

    /// A transport to the node at `base` (e.g. http://127.0.0.1:8080), polling a pending commit every
    /// `pollInterval`.
    public init(base: String, pollInterval: Duration = .milliseconds(20)) {
        var trimmed = base
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.base = trimmed
        let (stream, continuation) = AsyncStream.makeStream(of: TransportAck.self)
        acknowledgements = stream
        watcher = CommitWatcher(base: trimmed, pollInterval: pollInterval, continuation: continuation)
    }

    public func connect() async throws {
        _ = try await NodeHTTP.json(base, "/v1/status")
    }

    public func send(_ envelope: OutboundEnvelope) async throws -> SendOutcome {
        let (status, object) = try await NodeHTTP.request(base, "/v1/transactions", method: "POST", body: envelope.bytes)
        if (200..<300).contains(status) {
            await watcher.watch(envelope.transactionID)
            return .accepted
        }
        let (code, message) = NodeHTTP.error(object, status: status)
        if code == "duplicate" {
            // The same envelope is already pending at the node: its commit is still to come.
            await watcher.watch(envelope.transactionID)
            return .accepted
        }
        if status == 503 || status >= 500 { throw DeviceError(code, message) }
        return .refused(code: code, message: message)
    }

    public func close() async {
        await watcher.stop()
    }

    /// The node's chain id (`/v1/status`).
    public func chainID() async throws -> String {
        guard let chain = try await NodeHTTP.json(base, "/v1/status")["chainID"] as? String else {
            throw DeviceError("bad-response", "the node's status has no chainID")
        }
        return chain
    }

    /// The device's last committed sequence number, or nil when the node does not know the device.
    public func lastSequence(of device: Address) async throws -> UInt64? {
        let (status, object) = try await NodeHTTP.request(base, "/v1/devices/\(device.hex)", method: "GET", body: nil)
        if status == 404 { return nil }
        guard status == 200, let last = object["lastSequence"] as? NSNumber else {
            throw DeviceError("bad-response", "the node's device record has no lastSequence (HTTP \(status))")
        }
        return last.uint64Value
    }
}

/// Watches accepted transactions until committed, oldest first (the node commits a device's
/// envelopes in the order it admitted them).
actor CommitWatcher {
    private let base: String
    private let pollInterval: Duration
    private let continuation: AsyncStream<TransportAck>.Continuation
    private var watched: [Hash256] = []
    private var poller: Task<Void, Never>?
    private var stopped = false

    init(base: String, pollInterval: Duration, continuation: AsyncStream<TransportAck>.Continuation) {
        self.base = base
        self.pollInterval = pollInterval
        self.continuation = continuation
    }

    func watch(_ id: Hash256) {
        guard !stopped else { return }
        if !watched.contains(id) { watched.append(id) }
        if poller == nil {
            poller = Task { await self.poll() }
        }
    }

    func stop() {
        stopped = true
        poller?.cancel()
        poller = nil
        watched = []
        continuation.finish()
    }

    /// Asks for the oldest ``HTTPTransportLimits/statusesPerPoll`` watched ids in one request
    /// (`GET /v1/transactions?ids=`), reports every one that is committed or unknown, and waits
    /// `pollInterval` only when none was.
    private func poll() async {
        while !Task.isCancelled, !watched.isEmpty {
            let asked = Array(watched.prefix(HTTPTransportLimits.statusesPerPoll))
            var resolved: Set<Hash256> = []
            do {
                let query = asked.map(\.hex).joined(separator: ",")
                let (status, object) = try await NodeHTTP.request(base, "/v1/transactions?ids=\(query)", method: "GET", body: nil)
                guard !Task.isCancelled else { break }
                if status == 200, let answers = object["transactions"] as? [[String: Any]] {
                    for answer in answers {
                        guard let text = answer["id"] as? String, let id = Hash256(hex: text), asked.contains(id) else { continue }
                        switch answer["status"] as? String {
                        case "unknown":
                            resolved.insert(id)
                            continuation.yield(.lost(id))
                        case "committed":
                            resolved.insert(id)
                            continuation.yield(Self.committedAck(id, answer))
                        default:
                            break
                        }
                    }
                }
            } catch {
                // Unreachable for now: keep watching; the agent's timeout resends if it never commits.
            }
            if resolved.isEmpty {
                try? await Task.sleep(for: pollInterval)
            } else {
                watched.removeAll { resolved.contains($0) }
            }
        }
        poller = nil
    }

    private static func committedAck(_ id: Hash256, _ answer: [String: Any]) -> TransportAck {
        let height = (answer["height"] as? NSNumber)?.uint64Value ?? 0
        let code = (answer["receipt"] as? [String: Any])?["code"] as? String ?? "ok"
        if code == "ok" { return .committed(id, height: height) }
        return .rejected(id, code: code, message: "committed at height \(height) with receipt \(code)")
    }
}

/// The few HTTP calls a device makes, over URLSession with bounded time and answer size.
enum NodeHTTP {
    static func request(_ base: String, _ path: String, method: String, body: [UInt8]?) async throws
        -> (Int, [String: Any])
    {
        guard let url = URL(string: base + path) else { throw DeviceError("invalid-argument", "bad URL \(base)\(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = HTTPTransportLimits.requestTimeout
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = Data(body)
            request.setValue("application/cbor", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            // Detached, so that a caller's cancellation never reaches URLSession: cancelling a request
            // at the moment it completes can deadlock swift-corelibs-foundation (seen as a `device run`
            // hung in `DeviceAgent.stop`). The request still ends within `requestTimeout`.
            let ask = request
            (data, response) = try await Task.detached { try await URLSession.shared.data(for: ask) }.value
        } catch {
            throw DeviceError("node-unreachable", "\(method) \(base)\(path): \(error.localizedDescription)")
        }
        guard data.count <= HTTPTransportLimits.maxResponseBytes else {
            throw DeviceError("bad-response", "\(base)\(path) answered more than \(HTTPTransportLimits.maxResponseBytes) bytes")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (status, object)
    }

    static func json(_ base: String, _ path: String) async throws -> [String: Any] {
        let (status, object) = try await request(base, path, method: "GET", body: nil)
        guard status == 200 else {
            let (code, message) = error(object, status: status)
            throw DeviceError(code, message)
        }
        return object
    }

    /// The node's `{"error": {"code", "message"}}`, or a code for the bare status.
    static func error(_ object: [String: Any], status: Int) -> (String, String) {
        if let error = object["error"] as? [String: Any], let code = error["code"] as? String {
            return (code, error["message"] as? String ?? code)
        }
        return (status == 503 ? "node-unavailable" : "bad-response", "HTTP \(status)")
    }
}
