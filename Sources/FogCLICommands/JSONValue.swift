import FogCore
import Foundation

/// A JSON document: parsed from command-line input, or built for `--json` output.
///
/// Rendering is deterministic (object keys sorted), so scripts and tests can compare outputs.
public indirect enum JSONValue: Hashable, Sendable, Decodable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    private static let maxJSONBytes = 64 * 1024
    private static let maxDepth = 16

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(UInt64.self) {
            self = .uint(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses JSON text given by a user.
    static func parse(_ text: String) throws(CLIError) -> JSONValue {
        let data = Data(text.utf8)
        guard data.count <= maxJSONBytes else {
            throw CLIError("invalid-argument", "JSON value is larger than \(maxJSONBytes) bytes")
        }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw CLIError("invalid-argument", "value is not valid JSON: \(text.prefix(80))")
        }
        return value
    }

    /// The CBOR form: integers stay integers, other numbers become floats, objects become maps with text keys.
    func cbor(depth: Int = 0) throws(CLIError) -> CBORValue {
        guard depth < Self.maxDepth else { throw CLIError("invalid-argument", "JSON value nests deeper than \(Self.maxDepth)") }
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .uint(let u): return .unsigned(u)
        case .double(let d): return .float(d)
        case .string(let s): return .text(s)
        case .array(let items):
            var out: [CBORValue] = []
            for item in items { out.append(try item.cbor(depth: depth + 1)) }
            return .array(out)
        case .object(let members):
            var entries: [CBORMapEntry] = []
            for key in members.keys.sorted() {
                entries.append(CBORMapEntry(.text(key), try members[key]!.cbor(depth: depth + 1)))
            }
            return .map(entries)
        }
    }

    /// A JSON view of any CBOR value; what JSON cannot show directly (byte strings, tags, non-text
    /// keys, simple values, integers beyond 64 bits) becomes a `{"$hex"|"$tag"|"$cbor"|"$simple": …}` object.
    init(cbor value: CBORValue) {
        switch value {
        case .unsigned(let n): self = .uint(n)
        case .negative(let n):
            self = n <= UInt64(Int64.max) ? .int(-1 - Int64(n)) : .object(["$cbor": .string(Hex.encode(value.encoded))])
        case .bytes(let b): self = .object(["$hex": .string(Hex.encode(b))])
        case .text(let t): self = .string(t)
        case .array(let items): self = .array(items.map(JSONValue.init(cbor:)))
        case .map(let entries):
            var members: [String: JSONValue] = [:]
            for entry in entries {
                let key: String
                if case .text(let t) = entry.key { key = t } else { key = "$cbor:" + Hex.encode(entry.key.encoded) }
                members[key] = JSONValue(cbor: entry.value)
            }
            self = .object(members)
        case .tagged(let tag, let inner): self = .object(["$tag": .uint(tag), "value": JSONValue(cbor: inner)])
        case .bool(let b): self = .bool(b)
        case .null, .undefined: self = .null
        case .simple(let n): self = .object(["$simple": .uint(UInt64(n))])
        case .float(let d): self = d.isFinite ? .double(d) : .string("\(d)")
        }
    }

    /// Compact JSON text with sorted object keys.
    public var rendered: String {
        var out = ""
        render(into: &out)
        return out
    }

    private func render(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .uint(let u): out += String(u)
        case .double(let d): out += d.isFinite ? "\(d)" : "null"
        case .string(let s): Self.renderString(s, into: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.render(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                Self.renderString(key, into: &out)
                out += ":"
                members[key]!.render(into: &out)
            }
            out += "}"
        }
    }

    private static func renderString(_ string: String, into out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
