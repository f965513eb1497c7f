import FogCore
import Foundation

/// A JSON document: parsed from command-line input, or built for `--json` output.
///
/// Rendering is deterministic (object keys sorted), so scripts and tests can compare outputs.
/// Integers that fit in `Int64` are `.int`; only larger ones are `.uint`, so one number has one form.
public indirect enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    static let maxJSONBytes = 64 * 1024
    /// The most arrays and objects nested inside one another.
    static let maxDepth = 16

    /// Parses JSON text given by a user (RFC 8259, strictly).
    ///
    /// A number keeps the form it was written in: without a fraction or exponent it is an integer
    /// (rejected when beyond 64 bits, never rounded), with one it is a float (`4.0` stays a float).
    /// Duplicate object keys, trailing commas, comments and nesting deeper than `maxDepth` are rejected.
    static func parse(_ text: String) throws(CLIError) -> JSONValue {
        let bytes = Array(text.utf8)
        guard bytes.count <= maxJSONBytes else {
            throw CLIError("invalid-argument", "JSON value is larger than \(maxJSONBytes) bytes")
        }
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        do {
            return try parser.parseDocument()
        } catch {
            let excerpt = text.count > 80 ? String(text.prefix(80)) + "…" : text
            throw CLIError("invalid-argument", "value is not valid JSON (\(error.reason) at offset \(error.offset)): \(excerpt)")
        }
    }

    /// The CBOR form: integers stay integers, other numbers become floats, objects become maps with text keys.
    func cbor(depth: Int = 0) throws(CLIError) -> CBORValue {
        switch self {
        case .array, .object:
            guard depth < Self.maxDepth else { throw CLIError("invalid-argument", "JSON value nests deeper than \(Self.maxDepth)") }
        default:
            break
        }
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
        case .unsigned(let n): self = n <= UInt64(Int64.max) ? .int(Int64(n)) : .uint(n)
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
        case .string(let s): JSONString.append(s, to: &out)
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
                JSONString.append(key, to: &out)
                out += ":"
                members[key]!.render(into: &out)
            }
            out += "}"
        }
    }
}

/// Why JSON text was rejected, and where.
struct JSONSyntaxError: Error {
    var reason: String
    var offset: Int
}

/// A strict RFC 8259 parser over UTF-8 bytes, with a nesting limit checked before recursing.
private struct JSONParser {
    let bytes: [UInt8]
    let maxDepth: Int
    var index = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected text after the value") }
        return value
    }

    private func fail(_ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(reason: reason, offset: index)
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09 {
            index += 1
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard current == byte else { throw fail(current == nil ? "input ends where \(what) was expected" : "expected \(what)") }
        index += 1
    }

    private mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard let byte = current else { throw fail("input ends where a value was expected") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("expected a value")
        }
    }

    private mutating func parseLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        guard bytes.count - index >= expected.count, bytes[index..<index + expected.count].elementsEqual(expected) else {
            throw fail("expected \(literal)")
        }
        index += expected.count
    }

    private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth)") }
        index += 1  // {
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw fail("expected a member name in double quotes") }
            let keyOffset = index
            let key = try parseString()
            guard members[key] == nil else {
                throw JSONSyntaxError(reason: "duplicate key \"\(key.prefix(40))\"", offset: keyOffset)
            }
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':'")
            skipWhitespace()
            members[key] = try parseValue(depth: depth)
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "',' or '}'")
            return .object(members)
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth)") }
        index += 1  // [
        var items: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "]"), "',' or ']'")
            return .array(items)
        }
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false }
        if current == UInt8(ascii: "-") { index += 1 }
        if current == UInt8(ascii: "0") {
            index += 1
            if isDigit(current) { throw fail("a number may not have leading zeros") }
        } else if isDigit(current) {
            while isDigit(current) { index += 1 }
        } else {
            throw fail("expected a digit")
        }
        var isInteger = true
        if current == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard isDigit(current) else { throw fail("expected a digit after the decimal point") }
            while isDigit(current) { index += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard isDigit(current) else { throw fail("expected a digit in the exponent") }
            while isDigit(current) { index += 1 }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger {
            if let value = Int64(text) { return .int(value) }
            if let value = UInt64(text) { return .uint(value) }
            throw JSONSyntaxError(reason: "integer \(text.prefix(40)) is outside -2^63 … 2^64-1", offset: start)
        }
        guard let value = Double(text), value.isFinite else {
            throw JSONSyntaxError(reason: "number \(text.prefix(40)) is too large for a 64-bit float", offset: start)
        }
        return .double(value)
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        index += 1  // opening quote
        var scalars = String.UnicodeScalarView()
        while true {
            guard let byte = current else { throw fail("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                index += 1
                scalars.append(try parseEscape())
            case 0..<0x20:
                throw fail("control character in a string must be escaped")
            default:
                // The input came from a Swift String, so it is valid UTF-8: copy one whole scalar.
                let length = byte < 0x80 ? 1 : byte < 0xe0 ? 2 : byte < 0xf0 ? 3 : 4
                guard bytes.count - index >= length,
                      let text = String(validating: bytes[index..<index + length], as: UTF8.self) else {
                    throw fail("invalid UTF-8")
                }
                scalars.append(contentsOf: text.unicodeScalars)
                index += length
            }
        }
    }

    private mutating func parseEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        guard let byte = current else { throw fail("unterminated escape") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{8}"
        case UInt8(ascii: "f"): return "\u{c}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let first = try parseHex4()
            switch first {
            case 0xd800..<0xdc00:
                guard current == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                    throw fail("a high surrogate must be followed by a low surrogate")
                }
                index += 2
                let second = try parseHex4()
                guard (0xdc00..<0xe000).contains(second) else { throw fail("a high surrogate must be followed by a low surrogate") }
                return Unicode.Scalar(0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00))!
            case 0xdc00..<0xe000:
                throw fail("a low surrogate without a high surrogate")
            default:
                return Unicode.Scalar(first)!
            }
        default:
            throw fail("unknown escape")
        }
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - index >= 4, let digits = Hex.decode(String(decoding: bytes[index..<index + 4], as: UTF8.self)) else {
            throw fail("expected four hexadecimal digits after \\u")
        }
        index += 4
        return UInt32(digits[0]) << 8 | UInt32(digits[1])
    }
}
