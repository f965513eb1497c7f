public import FogCore

extension CBORValue {
    /// This value as a decoder returns it after `encoded`: map entries in deterministic order (bytewise
    /// order of the encoded keys) and every NaN as the canonical quiet NaN (0xf97e00).
    public var deterministic: CBORValue {
        switch self {
        case .array(let items):
            return .array(items.map(\.deterministic))
        case .map(let entries):
            return .map(entries
                .map { (key: $0.key.encoded, entry: CBORMapEntry($0.key.deterministic, $0.value.deterministic)) }
                .sorted { $0.key.lexicographicallyPrecedes($1.key) }
                .map(\.entry))
        case .tagged(let tag, let item):
            return .tagged(tag, item.deterministic)
        case .float(let d) where d.isNaN:
            return .float(.nan)
        default:
            return self
        }
    }

    /// Whether two values are the same data item bit for bit, map entries in the same order. `==`
    /// compares as the encoding does (floats by bit pattern with every NaN equal, text by UTF-8 bytes,
    /// map entries in any order); here floats compare by exact bit pattern, NaN payloads included, and
    /// map entries in order.
    public func isIdentical(to other: CBORValue) -> Bool {
        switch (self, other) {
        case (.float(let a), .float(let b)):
            return a.bitPattern == b.bitPattern
        case (.text(let a), .text(let b)):
            return a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isIdentical(to: $1) }
        case (.map(let a), .map(let b)):
            return a.count == b.count
                && zip(a, b).allSatisfy { $0.key.isIdentical(to: $1.key) && $0.value.isIdentical(to: $1.value) }
        case (.tagged(let t, let a), .tagged(let u, let b)):
            return t == u && a.isIdentical(to: b)
        case (.float, _), (.text, _), (.array, _), (.map, _), (.tagged, _):
            return false
        default:
            return self == other
        }
    }
}
