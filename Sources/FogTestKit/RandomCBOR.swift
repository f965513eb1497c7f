public import FogCore

/// Random `CBORValue`s for property and fuzz tests, bounded in depth and size, fully determined by the
/// generator passed in (use `SeededGenerator` for reproducible runs).
///
/// Every value it makes is one `CBORWriter` can write and `CBORReader` (with default limits) accepts:
/// map keys are distinct by encoding, simple values avoid 20–31, and text is valid Unicode. Integers,
/// lengths, tags and floats favour the boundaries where encodings change width.
public struct RandomCBOR: Sendable {
    /// The deepest nesting produced (the top-level item is depth 1).
    public var maxDepth: Int
    /// The most items in one array or entries in one map.
    public var maxCount: Int
    /// The longest byte or text string, in bytes (text may fall short by up to 3 bytes).
    public var maxStringBytes: Int

    /// Creates a generator configuration.
    public init(maxDepth: Int = 4, maxCount: Int = 5, maxStringBytes: Int = 24) {
        precondition(maxDepth >= 1 && maxCount >= 0 && maxStringBytes >= 0)
        self.maxDepth = maxDepth
        self.maxCount = maxCount
        self.maxStringBytes = maxStringBytes
    }

    /// One random data item.
    public func value(using rng: inout some RandomNumberGenerator) -> CBORValue {
        value(depth: 1, using: &rng)
    }

    private func value(depth: Int, using rng: inout some RandomNumberGenerator) -> CBORValue {
        let nested = depth < maxDepth
        switch Int.random(in: 0..<(nested ? 12 : 9), using: &rng) {
        case 0, 1: return .unsigned(Self.integer(using: &rng))
        case 2: return .negative(Self.integer(using: &rng))
        case 3: return .bytes(bytes(using: &rng))
        case 4: return .text(text(using: &rng))
        case 5: return .float(Self.float(using: &rng))
        case 6: return Self.simple(using: &rng)
        case 7: return .unsigned(UInt64.random(in: 0..<24, using: &rng))  // small keys collide and sort
        case 8: return .text(String(UnicodeScalar(UInt8.random(in: 0x61...0x66, using: &rng))))
        case 9: return .array((0..<count(using: &rng)).map { _ in value(depth: depth + 1, using: &rng) })
        case 10: return .map(entries(depth: depth, using: &rng))
        default: return .tagged(Self.integer(using: &rng), value(depth: depth + 1, using: &rng))
        }
    }

    private func count(using rng: inout some RandomNumberGenerator) -> Int {
        Int.random(in: 0...maxCount, using: &rng)
    }

    /// Entries with keys distinct by encoding, in random (not sorted) order.
    private func entries(depth: Int, using rng: inout some RandomNumberGenerator) -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        var seen: [[UInt8]] = []
        for _ in 0..<count(using: &rng) {
            let key = value(depth: depth + 1, using: &rng)
            let encoded = key.encoded
            if seen.contains(encoded) { continue }
            seen.append(encoded)
            entries.append(CBORMapEntry(key, value(depth: depth + 1, using: &rng)))
        }
        return entries
    }

    private func bytes(using rng: inout some RandomNumberGenerator) -> [UInt8] {
        (0..<Int.random(in: 0...maxStringBytes, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    /// Valid Unicode of 1- to 4-byte UTF-8 scalars, at most `maxStringBytes` bytes.
    private func text(using rng: inout some RandomNumberGenerator) -> String {
        var scalars = String.UnicodeScalarView()
        var length = 0
        let target = Int.random(in: 0...maxStringBytes, using: &rng)
        while true {
            let scalar = Self.scalar(using: &rng)
            let width = String(scalar).utf8.count
            if length + width > target { break }
            scalars.append(scalar)
            length += width
        }
        return String(scalars)
    }

    private static func scalar(using rng: inout some RandomNumberGenerator) -> Unicode.Scalar {
        let ranges: [ClosedRange<UInt32>] = [0x00...0x7f, 0x80...0x7ff, 0x800...0xd7ff, 0xe000...0xffff, 0x1_0000...0x10_ffff]
        let range = ranges[Int.random(in: 0..<ranges.count, using: &rng)]
        return Unicode.Scalar(UInt32.random(in: range, using: &rng))!  // the ranges exclude surrogates
    }

    /// An unsigned integer, biased towards the edges of each argument width.
    public static func integer(using rng: inout some RandomNumberGenerator) -> UInt64 {
        let edges: [UInt64] = [0, 1, 23, 24, 255, 256, 65535, 65536, 0xffff_ffff, 0x1_0000_0000, .max]
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return edges[Int.random(in: 0..<edges.count, using: &rng)]
        case 1: return UInt64.random(in: 0..<24, using: &rng)
        default:
            let bits = UInt64.random(in: 0...64, using: &rng)
            return bits == 64 ? UInt64.random(in: 0...UInt64.max, using: &rng)
                : UInt64.random(in: 0...((1 << bits) - 1), using: &rng)
        }
    }

    /// A double, biased towards values that fit exactly in half or single precision, their
    /// boundaries, infinities, signed zeros and NaNs with arbitrary payloads.
    public static func float(using rng: inout some RandomNumberGenerator) -> Double {
        let specials: [Double] = [
            0, -0.0, 1, -1, 1.5, 65504, -65504, 65520, 0x1p-24, 0x1p-25, 0x1p-14, 0x1.ff8p-15,
            Double(Float.greatestFiniteMagnitude), Double(Float.leastNonzeroMagnitude), Double(Float.leastNormalMagnitude),
            .greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude,
            .infinity, -.infinity, .nan, -.nan, .signalingNaN, 0.1, 1.1, 100_000, 1e300,
        ]
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return specials[Int.random(in: 0..<specials.count, using: &rng)]
        case 1: return halfValue(UInt16.random(in: 0...UInt16.max, using: &rng))
        case 2: return Double(Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng)))
        default: return Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &rng))
        }
    }

    /// The value of a binary16 bit pattern (independent of FogCore's own conversion).
    public static func halfValue(_ bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 == 0 ? 1 : -1
        let exponent = Int(bits >> 10 & 0x1f)
        let fraction = Double(bits & 0x3ff)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }

    private static func simple(using rng: inout some RandomNumberGenerator) -> CBORValue {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return .bool(false)
        case 1: return .bool(true)
        case 2: return .null
        case 3: return .undefined
        case 4: return .simple(UInt8.random(in: 0...19, using: &rng))
        default: return .simple(UInt8.random(in: 32...255, using: &rng))
        }
    }
}
