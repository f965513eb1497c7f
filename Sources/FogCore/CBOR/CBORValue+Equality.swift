/// Equality and hashing of `CBORValue` follow its deterministic encoding: two values are equal
/// exactly when `CBORWriter` writes the same bytes for them.
///
/// So map entries compare as a set whatever order they were built in, text strings compare by
/// their UTF-8 bytes (not by Swift's Unicode canonical equivalence, under which "é" and "e\u{301}"
/// are equal although they encode differently), floats compare by bit pattern (0.0 and -0.0
/// differ, as their encodings do) and every NaN equals every other NaN (all encode as 0xf97e00).
extension CBORValue {
    public static func == (lhs: CBORValue, rhs: CBORValue) -> Bool {
        switch (lhs, rhs) {
        case (.unsigned(let a), .unsigned(let b)): return a == b
        case (.negative(let a), .negative(let b)): return a == b
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.text(let a), .text(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)): return a == b
        case (.map(let a), .map(let b)): return Self.mapsEqual(a, b)
        case (.tagged(let tagA, let a), .tagged(let tagB, let b)): return tagA == tagB && a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null), (.undefined, .undefined): return true
        case (.simple(let a), .simple(let b)): return a == b
        case (.float(let a), .float(let b)): return Self.canonicalBits(a) == Self.canonicalBits(b)
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .unsigned(let n):
            hasher.combine(0 as UInt8)
            hasher.combine(n)
        case .negative(let n):
            hasher.combine(1 as UInt8)
            hasher.combine(n)
        case .bytes(let b):
            hasher.combine(2 as UInt8)
            hasher.combine(b)
        case .text(let t):
            hasher.combine(3 as UInt8)
            hasher.combine(t.utf8.count)
            for byte in t.utf8 { hasher.combine(byte) }
        case .array(let items):
            hasher.combine(4 as UInt8)
            hasher.combine(items)
        case .map(let entries):
            // Order-independent: the sum of each entry's own hash.
            hasher.combine(5 as UInt8)
            hasher.combine(entries.count)
            var sum = 0
            for entry in entries {
                var entryHasher = Hasher()
                entryHasher.combine(entry.key)
                entryHasher.combine(entry.value)
                sum &+= entryHasher.finalize()
            }
            hasher.combine(sum)
        case .tagged(let tag, let item):
            hasher.combine(6 as UInt8)
            hasher.combine(tag)
            hasher.combine(item)
        case .bool(let b):
            hasher.combine(7 as UInt8)
            hasher.combine(b)
        case .null:
            hasher.combine(8 as UInt8)
        case .undefined:
            hasher.combine(9 as UInt8)
        case .simple(let n):
            hasher.combine(10 as UInt8)
            hasher.combine(n)
        case .float(let d):
            hasher.combine(11 as UInt8)
            hasher.combine(Self.canonicalBits(d))
        }
    }

    /// The bit pattern that decides a float's encoding: one pattern for every NaN.
    private static func canonicalBits(_ value: Double) -> UInt64 {
        value.isNaN ? Double.nan.bitPattern : value.bitPattern
    }

    /// Maps are equal when they hold the same keys with equal values, in any order.
    private static func mapsEqual(_ a: [CBORMapEntry], _ b: [CBORMapEntry]) -> Bool {
        guard a.count == b.count else { return false }
        if a.elementsEqual(b, by: { $0.key == $1.key && $0.value == $1.value }) { return true }
        func sorted(_ entries: [CBORMapEntry]) -> [(key: [UInt8], value: CBORValue)] {
            entries.map { ($0.key.encoded, $0.value) }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        }
        return sorted(a).elementsEqual(sorted(b), by: { $0.key == $1.key && $0.value == $1.value })
    }
}
