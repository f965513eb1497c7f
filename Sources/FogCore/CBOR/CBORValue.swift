/// A CBOR data item (RFC 8949), as FogLedger reads and writes it.
///
/// Maps keep their entries in an array; `CBORWriter` emits them in the deterministic order of
/// RFC 8949 §4.2.1 (bytewise order of the encoded keys), so the order in which a map is built never
/// changes its bytes. Negative integers are held as `n` for the value `-1 - n`, exactly as major
/// type 1 carries them, so the whole range -2⁶⁴ … 2⁶⁴-1 is representable.
public indirect enum CBORValue: Hashable, Sendable {
    /// Major type 0: an unsigned integer.
    case unsigned(UInt64)
    /// Major type 1: the integer `-1 - n`.
    case negative(UInt64)
    /// Major type 2: a byte string.
    case bytes([UInt8])
    /// Major type 3: a UTF-8 text string.
    case text(String)
    /// Major type 4: an array.
    case array([CBORValue])
    /// Major type 5: a map; keys are distinct.
    case map([CBORMapEntry])
    /// Major type 6: a tagged data item.
    case tagged(UInt64, CBORValue)
    /// Major type 7: `false` or `true`.
    case bool(Bool)
    /// Major type 7: `null`.
    case null
    /// Major type 7: `undefined`.
    case undefined
    /// Major type 7: an unassigned simple value (0–19 or 32–255); `CBORWriter` refuses any other.
    case simple(UInt8)
    /// Major type 7: a floating-point number, written in its shortest exact form.
    case float(Double)
}

/// One key/value pair of a CBOR map.
public struct CBORMapEntry: Hashable, Sendable {
    /// The key.
    public var key: CBORValue
    /// The value.
    public var value: CBORValue

    /// Creates a map entry.
    public init(_ key: CBORValue, _ value: CBORValue) {
        self.key = key
        self.value = value
    }
}

extension CBORValue {
    /// An integer value, as `.unsigned` or `.negative`.
    public static func int(_ value: Int64) -> CBORValue {
        value >= 0 ? .unsigned(UInt64(value)) : .negative(UInt64(-1 - value))
    }

    /// The value as a signed 64-bit integer, if it is an integer in range.
    public var int64: Int64? {
        switch self {
        case .unsigned(let n): return n <= UInt64(Int64.max) ? Int64(n) : nil
        case .negative(let n): return n <= UInt64(Int64.max) ? -1 - Int64(n) : nil
        default: return nil
        }
    }

    /// The value as an unsigned integer, if it is one.
    public var uint64: UInt64? {
        if case .unsigned(let n) = self { return n }
        return nil
    }

    /// The bytes of a byte string.
    public var byteString: [UInt8]? {
        if case .bytes(let b) = self { return b }
        return nil
    }

    /// The text of a text string.
    public var textString: String? {
        if case .text(let t) = self { return t }
        return nil
    }

    /// The items of an array.
    public var arrayItems: [CBORValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The entries of a map.
    public var mapEntries: [CBORMapEntry]? {
        if case .map(let m) = self { return m }
        return nil
    }

    /// The value stored under `key` in a map, or `nil` when this is not a map or has no such key.
    public subscript(key: CBORValue) -> CBORValue? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// A short name of the value's CBOR type, for error messages.
    public var typeName: String {
        switch self {
        case .unsigned, .negative: return "integer"
        case .bytes: return "byte string"
        case .text: return "text string"
        case .array: return "array"
        case .map: return "map"
        case .tagged: return "tag"
        case .bool: return "bool"
        case .null: return "null"
        case .undefined: return "undefined"
        case .simple: return "simple value"
        case .float: return "float"
        }
    }
}
