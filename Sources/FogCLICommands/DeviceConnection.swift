import ArgumentParser
import FogCrypto
import FogDevice
import FogDeviceKit
import FogTypes
import Foundation

/// `--broker URL` or `--node URL`: how device commands reach the ledger, and the chain they sign for.
struct DeviceLinkOptions: ParsableArguments {
    @Option(name: .long, help: "An MQTT broker that the node's gateway listens on: mqtt://HOST[:PORT] or mqtts://….")
    var broker: String?

    @Option(name: .long, help: "A node's API base URL, to send over HTTP instead of MQTT.")
    var node: String?

    @Option(name: .long, help: "The chain id to sign for over MQTT (over HTTP it is the node's).")
    var chain: String = DefaultChain.id

    /// Where to send.
    enum Link {
        case broker(BrokerAddress)
        case node(String)
    }

    func link() throws(CLIError) -> Link {
        switch (broker, node) {
        case (let url?, nil):
            guard let address = BrokerAddress(url: url) else {
                throw CLIError("invalid-argument", "--broker must be mqtt://HOST[:PORT] or mqtts://HOST[:PORT], not \"\(url)\"")
            }
            return .broker(address)
        case (nil, let url?):
            var base = url
            while base.hasSuffix("/") { base.removeLast() }
            guard let parsed = URL(string: base), let scheme = parsed.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", parsed.host != nil
            else { throw CLIError("invalid-argument", "--node must be an http(s) URL such as http://127.0.0.1:8080, not \"\(url)\"") }
            return .node(base)
        default:
            throw CLIError("invalid-argument", "give exactly one of --broker URL or --node URL")
        }
    }

    /// A transport of `device` over the link.
    func transport(_ link: Link, device: Address) -> any DeviceTransport {
        switch link {
        case .broker(let address): return MQTTTransport(broker: address, device: device)
        case .node(let base): return HTTPTransport(base: base)
        }
    }

    /// The queue's bounds: over HTTP one envelope at a time (each POST is answered at once), over
    /// MQTT a window of 32 (the broker keeps a topic's order; the gateway answers later).
    func queueLimits(_ link: Link) -> QueueLimits {
        switch link {
        case .broker: return QueueLimits(inflightWindow: 32)
        case .node: return QueueLimits(inflightWindow: 1)
        }
    }

    /// The chain id: the node's over HTTP, `--chain` over MQTT.
    func chainID(_ link: Link) async throws(CLIError) -> ChainID {
        switch link {
        case .broker:
            return try ChainOptions(chain: chain).chainID()
        case .node(let base):
            return try await NodeClient(base: base).chainID()
        }
    }

    /// The lowest sequence number `device` may use next: over HTTP its record's lastSequence + 1
    /// (1 when the node does not know it yet), over MQTT 1 (the queue remembers the rest).
    func firstSequence(_ link: Link, device: Address) async throws(CLIError) -> UInt64 {
        guard case .node(let base) = link else { return 1 }
        do throws(CLIError) {
            let record = try await NodeClient(base: base).getJSON("/v1/devices/\(device.hex)")
            return (record["lastSequence"]?.uint64 ?? 0) + 1
        } catch where error.code == "unknown-device" {
            return 1
        }
    }
}

/// Device events as output lines: text, or one JSON object per line.
enum DeviceEventOutput {
    static func json(_ event: DeviceEvent, device: Address) -> JSONValue? {
        func summary(_ name: String, _ envelope: EnvelopeSummary) -> [String: JSONValue] {
            ["event": .string(name), "device": .string(device.hex), "tx": .string(envelope.transactionID.hex),
             "firstSeq": .uint(envelope.sequences.lowerBound), "lastSeq": .uint(envelope.sequences.upperBound),
             "readings": .uint(UInt64(envelope.readingCount))]
        }
        switch event {
        case .accepted(let envelope):
            return .object(summary("accepted", envelope))
        case .committed(let envelope, let height):
            var members = summary("committed", envelope)
            members["height"] = .uint(height)
            return .object(members)
        case .alreadyRecorded(let envelope):
            return .object(summary("already-recorded", envelope))
        case .rejected(let envelope, let code, let message):
            var members = envelope.map { summary("rejected", $0) } ?? ["event": .string("rejected"), "device": .string(device.hex)]
            members["code"] = .string(code)
            members["message"] = .string(message)
            return .object(members)
        case .retrying(let delay, let reason):
            return .object(["event": .string("retrying"), "device": .string(device.hex), "afterMillis": .uint(delay),
                            "reason": .string(reason)])
        }
    }

    static func text(_ event: DeviceEvent) -> String {
        func name(_ envelope: EnvelopeSummary) -> String {
            let range = envelope.sequences.count == 1 ? "seq \(envelope.sequences.lowerBound)"
                : "seq \(envelope.sequences.lowerBound)-\(envelope.sequences.upperBound)"
            return "\(range)  tx \(envelope.transactionID.hex.prefix(16))"
        }
        switch event {
        case .accepted(let envelope): return "accepted          \(name(envelope))"
        case .committed(let envelope, let height): return "committed         \(name(envelope))  height \(height)"
        case .alreadyRecorded(let envelope): return "already recorded  \(name(envelope))"
        case .rejected(let envelope?, let code, let message): return "rejected          \(name(envelope))  \(code): \(message)"
        case .rejected(nil, let code, let message): return "rejected          \(code): \(message)"
        case .retrying(let delay, let reason): return "retrying in \(delay) ms: \(reason)"
        }
    }
}

/// Lines of a file or standard input, each at most `maxBytes`, read as they come (a pipe is
/// streamed, not read to its end first).
struct LineSource {
    private let handle: FileHandle
    private let maxBytes: Int
    private var buffer: [UInt8] = []
    private var ended = false

    init(path: String?, maxBytes: Int) throws(CLIError) {
        if let path {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw CLIError("io-error", "cannot read \(path)")
            }
            self.handle = handle
        } else {
            handle = FileHandle.standardInput
        }
        self.maxBytes = maxBytes
    }

    /// The next line without its end of line, or nil at the end.
    mutating func next() throws(CLIError) -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                var line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                if line.last == 0x0D { line.removeLast() }
                return try decode(line)
            }
            guard buffer.count <= maxBytes else { throw CLIError("invalid-csv", "a line is longer than \(maxBytes) bytes") }
            if ended {
                guard !buffer.isEmpty else { return nil }
                let line = buffer
                buffer = []
                return try decode(line)
            }
            let chunk = handle.availableData
            if chunk.isEmpty { ended = true } else { buffer += chunk }
        }
    }

    private func decode(_ bytes: [UInt8]) throws(CLIError) -> String {
        guard bytes.count <= maxBytes else { throw CLIError("invalid-csv", "a line is longer than \(maxBytes) bytes") }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw CLIError("invalid-csv", "a line is not UTF-8") }
        return text
    }
}
