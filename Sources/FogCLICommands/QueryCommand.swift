import ArgumentParser
import FogCore
import FogCrypto
import FogTypes
import Foundation

/// `fogledger query`: read blocks, transactions, devices, readings and proofs from a node.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Read blocks, transactions, devices, readings and proofs from a node.",
        subcommands: [QueryBlockCommand.self, QueryTransactionCommand.self, QueryDeviceCommand.self,
                      QueryReadingsCommand.self, QueryProofCommand.self])

    /// Text rows of an object's scalar members, in key order (longer values kept whole).
    static func rows(_ value: JSONValue, skipping: Set<String> = []) -> [(String, String)] {
        guard case .object(let members) = value else { return [("value", value.rendered)] }
        return members.keys.sorted().filter { !skipping.contains($0) }.map { key in
            switch members[key]! {
            case .string(let text): (key, text)
            case let other: (key, other.rendered)
            }
        }
    }
}

/// `fogledger query block [HEIGHT|latest]`.
struct QueryBlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "block", abstract: "A block's header fields and transaction ids.")

    @Argument(help: "A height, or \"latest\".")
    var height: String = "latest"

    @OptionGroup var node: NodeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runReportingAsync(output) {
            guard height == "latest" || UInt64(height) != nil else {
                throw CLIError("invalid-argument", "the height must be an unsigned integer or \"latest\"")
            }
            let block = try await node.client().getJSON("/v1/blocks/\(height)")
            var rows = QueryCommand.rows(block, skipping: ["header", "commit", "transactions"])
            if case .array(let ids)? = block["transactions"] {
                rows.append(("transactions", "\(ids.count)"))
                for id in ids { rows.append(("  tx", id.text ?? id.rendered)) }
            }
            return (table(rows), block)
        }
    }
}

/// `fogledger query tx ID`.
struct QueryTransactionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tx", abstract: "A transaction's status and receipt.")

    @Argument(help: "The transaction id (64 hex).")
    var id: String

    @OptionGroup var node: NodeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runReportingAsync(output) {
            guard Hash256(hex: id.lowercased()) != nil else {
                throw CLIError("invalid-argument", "the transaction id must be 64 hexadecimal characters")
            }
            let answer = try await node.client().getJSON("/v1/transactions/\(id.lowercased())")
            var rows = QueryCommand.rows(answer, skipping: ["receipt"])
            if let receipt = answer["receipt"] { rows.append(("receipt", receipt["code"]?.text ?? receipt.rendered)) }
            return (table(rows), answer)
        }
    }
}

/// `fogledger query device ADDR`.
struct QueryDeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "device", abstract: "A device's record.")

    @Argument(help: "The device's address (40 hex).")
    var address: String

    @OptionGroup var node: NodeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runReportingAsync(output) {
            let device = try DeviceCommand.address(address, "the address")
            let record = try await node.client().getJSON("/v1/devices/\(device.hex)")
            return (table(QueryCommand.rows(record, skipping: ["record"])), record)
        }
    }
}

/// `fogledger query readings ADDR`.
struct QueryReadingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readings", abstract: "One page of a device's readings in (time, sequence) order; --cursor for the next.")

    @Argument(help: "The device's address (40 hex).")
    var address: String

    @Option(name: .long, help: "From this time (ms since the epoch, inclusive).")
    var from: UInt64?

    @Option(name: .long, help: "Up to this time (ms since the epoch, exclusive).")
    var to: UInt64?

    @Option(name: .long, help: "At most this many readings (1–1000; the node's default 100).")
    var limit: Int?

    @Option(name: .long, help: "The `next` cursor of the previous page.")
    var cursor: String?

    @OptionGroup var node: NodeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runReportingAsync(output) {
            let device = try DeviceCommand.address(address, "the address")
            var query: [URLQueryItem] = []
            if let from { query.append(URLQueryItem(name: "from", value: "\(from)")) }
            if let to { query.append(URLQueryItem(name: "to", value: "\(to)")) }
            if let limit { query.append(URLQueryItem(name: "limit", value: "\(limit)")) }
            if let cursor { query.append(URLQueryItem(name: "cursor", value: cursor)) }
            // Percent-encode what a query value must not hold raw (a cursor is opaque).
            var allowed = CharacterSet.urlQueryAllowed
            allowed.remove(charactersIn: "+&=")
            let encoded = query.map { "\($0.name)=\($0.value?.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            let path = "/v1/devices/\(device.hex)/readings" + (encoded.isEmpty ? "" : "?" + encoded.joined(separator: "&"))
            let page = try await node.client().getJSON(path)
            var rows: [(String, String)] = []
            var output: [JSONValue] = []
            if case .array(let readings)? = page["readings"] {
                for entry in readings {
                    // The value as JSON, decoded from its CBOR hex.
                    var shown = entry
                    if let hex = entry["value"]?.text, let bytes = Hex.decode(hex), let value = try? CBORReader.decode(bytes),
                       case .object(var members) = entry {
                        members["value"] = JSONValue(cbor: value)
                        shown = .object(members)
                    }
                    output.append(shown)
                    let value = shown["value"]?.rendered ?? "payload \(entry["payloadHash"]?.text ?? "?")"
                    rows.append(("seq \(entry["sequence"]?.rendered ?? "?")",
                                 "time \(entry["time"]?.rendered ?? "?")  height \(entry["height"]?.rendered ?? "?")  \(value)"))
                }
            }
            rows.append(("next", page["next"]?.text ?? "(none: last page)"))
            var json: [String: JSONValue] = ["device": .string(device.hex), "readings": .array(output)]
            if let next = page["next"] { json["next"] = next }
            return (table(rows), .object(json))
        }
    }
}

/// `fogledger query proof ADDR SEQ --out FILE`.
struct QueryProofCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Fetch a committed reading's proof bundle (CBOR) into a file.",
        discussion: "Check it offline with `fogledger verify FILE --genesis DIR/genesis.cbor`.")

    @Argument(help: "The device's address (40 hex).")
    var address: String

    @Argument(help: "The reading's sequence number.")
    var seq: UInt64

    @Option(name: .long, help: "Write the CBOR bundle to this file.")
    var out: String

    @OptionGroup var node: NodeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runReportingAsync(output) {
            let device = try DeviceCommand.address(address, "the address")
            let bytes = try await node.client().getCBOR("/v1/readings/\(device.hex)/\(seq)/proof")
            let proof: ReadingProof
            do {
                proof = try ReadingProof.decode(bytes)
            } catch {
                throw CLIError("bad-response", "the node's proof does not decode: \(error)")
            }
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: out))
            } catch {
                throw CLIError("io-error", "cannot write \(out): \(error.localizedDescription)")
            }
            let height = proof.signedHeader.header.height
            let rows = [("proof", out), ("device", device.hex), ("seq", "\(seq)"), ("height", "\(height)"),
                        ("bytes", "\(bytes.count)")]
            return (table(rows) + "\nverify with: fogledger verify \(out) --genesis GENESIS.cbor", .object([
                "out": .string(out), "device": .string(device.hex), "seq": .uint(seq), "height": .uint(height),
                "bytes": .int(Int64(bytes.count)),
            ]))
        }
    }
}
