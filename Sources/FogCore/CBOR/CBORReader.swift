/// Decodes one deterministically encoded CBOR data item (RFC 8949 §4.2.1) from untrusted bytes.
///
/// Anything a deterministic encoder would not have produced is rejected with a `CBORError` naming
/// the problem and its byte offset: integers, lengths and tags not in shortest form, floats not in
/// shortest exact form, indefinite lengths, map keys out of bytewise order or repeated, invalid
/// UTF-8, reserved encodings, trailing bytes, and anything beyond the `CBORLimits`.
public struct CBORReader: Sendable {
    private let input: [UInt8]
    private let limits: CBORLimits
    private var offset = 0

    /// Decodes exactly one data item that must span all of `bytes`.
    public static func decode(_ bytes: [UInt8], limits: CBORLimits = .default) throws(CBORError) -> CBORValue {
        guard bytes.count <= limits.maxInputBytes else {
            throw CBORError(.inputTooLarge, at: limits.maxInputBytes,
                            "input of \(bytes.count) bytes exceeds the limit of \(limits.maxInputBytes)")
        }
        var reader = CBORReader(input: bytes, limits: limits)
        let value = try reader.readItem(depth: 1)
        guard reader.offset == bytes.count else {
            throw CBORError(.trailingBytes, at: reader.offset,
                            "\(bytes.count - reader.offset) bytes follow the data item")
        }
        return value
    }

    private init(input: [UInt8], limits: CBORLimits) {
        self.input = input
        self.limits = limits
    }

    private mutating func readItem(depth: Int) throws(CBORError) -> CBORValue {
        let start = offset
        guard depth <= limits.maxDepth else {
            throw CBORError(.depthLimitExceeded, at: start, "nesting deeper than \(limits.maxDepth)")
        }
        let initial = try readByte()
        let major = initial >> 5
        let info = initial & 0x1f

        if major == 7 {
            return try readSimpleOrFloat(info: info, start: start)
        }
        if info == 31 {
            throw CBORError(.indefiniteLength, at: start, "indefinite-length item (major type \(major))")
        }
        let argument = try readArgument(info: info, start: start)

        switch major {
        case 0:
            return .unsigned(argument)
        case 1:
            return .negative(argument)
        case 2:
            return .bytes(try readString(length: argument, start: start))
        case 3:
            let raw = try readString(length: argument, start: start)
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw CBORError(.invalidUTF8, at: start, "text string is not valid UTF-8")
            }
            return .text(text)
        case 4:
            let count = try checkedCount(argument, minimumBytesEach: 1, start: start)
            var items: [CBORValue] = []
            items.reserveCapacity(count)
            for _ in 0..<count {
                items.append(try readItem(depth: depth + 1))
            }
            return .array(items)
        case 5:
            let count = try checkedCount(argument, minimumBytesEach: 2, start: start)
            var entries: [CBORMapEntry] = []
            entries.reserveCapacity(count)
            var previousKey: Range<Int>? = nil
            for _ in 0..<count {
                let keyStart = offset
                let key = try readItem(depth: depth + 1)
                let keyRange = keyStart..<offset
                if let previousKey {
                    try checkOrder(previous: previousKey, current: keyRange)
                }
                previousKey = keyRange
                let value = try readItem(depth: depth + 1)
                entries.append(CBORMapEntry(key, value))
            }
            return .map(entries)
        default:  // 6
            return .tagged(argument, try readItem(depth: depth + 1))
        }
    }

    private mutating func readSimpleOrFloat(info: UInt8, start: Int) throws(CBORError) -> CBORValue {
        switch info {
        case 0..<20: return .simple(info)
        case 20: return .bool(false)
        case 21: return .bool(true)
        case 22: return .null
        case 23: return .undefined
        case 24:
            let value = try readByte()
            guard value >= 32 else {
                throw CBORError(.invalidSimpleValue, at: start, "simple value \(value) must use the one-byte form")
            }
            return .simple(value)
        case 25:
            let bits = UInt16(try readBigEndian(byteCount: 2))
            if (bits & 0x7c00) == 0x7c00 && (bits & 0x03ff) != 0 && bits != 0x7e00 {
                throw CBORError(.nonCanonicalFloat, at: start, "NaN must be encoded as 0xf97e00")
            }
            return .float(HalfFloat.value(of: bits))
        case 26:
            let value = Double(Float(bitPattern: UInt32(try readBigEndian(byteCount: 4))))
            if value.isNaN || HalfFloat.bits(exactly: value) != nil {
                throw CBORError(.nonCanonicalFloat, at: start, "single-precision float has a shorter exact form")
            }
            return .float(value)
        case 27:
            let value = Double(bitPattern: try readBigEndian(byteCount: 8))
            if value.isNaN || Float(exactly: value) != nil {
                throw CBORError(.nonCanonicalFloat, at: start, "double-precision float has a shorter exact form")
            }
            return .float(value)
        case 31:
            throw CBORError(.indefiniteLength, at: start, "unexpected \"break\" outside an indefinite-length item")
        default:
            throw CBORError(.reservedAdditionalInfo, at: start, "additional information \(info) is reserved")
        }
    }

    private mutating func readArgument(info: UInt8, start: Int) throws(CBORError) -> UInt64 {
        switch info {
        case 0..<24:
            return UInt64(info)
        case 24:
            let value = UInt64(try readByte())
            guard value >= 24 else { throw nonShortest(value, start) }
            return value
        case 25:
            let value = try readBigEndian(byteCount: 2)
            guard value > 0xff else { throw nonShortest(value, start) }
            return value
        case 26:
            let value = try readBigEndian(byteCount: 4)
            guard value > 0xffff else { throw nonShortest(value, start) }
            return value
        case 27:
            let value = try readBigEndian(byteCount: 8)
            guard value > 0xffff_ffff else { throw nonShortest(value, start) }
            return value
        default:
            throw CBORError(.reservedAdditionalInfo, at: start, "additional information \(info) is reserved")
        }
    }

    private func nonShortest(_ value: UInt64, _ start: Int) -> CBORError {
        CBORError(.nonCanonicalInteger, at: start, "argument \(value) is not in its shortest form")
    }

    private mutating func readString(length: UInt64, start: Int) throws(CBORError) -> [UInt8] {
        guard length <= UInt64(limits.maxStringBytes) else {
            throw CBORError(.lengthLimitExceeded, at: start,
                            "string of \(length) bytes exceeds the limit of \(limits.maxStringBytes)")
        }
        let count = Int(length)
        guard count <= input.count - offset else {
            throw CBORError(.truncated, at: input.count, "string of \(count) bytes runs past the end of input")
        }
        let slice = Array(input[offset..<offset + count])
        offset += count
        return slice
    }

    private func checkedCount(_ declared: UInt64, minimumBytesEach: Int, start: Int) throws(CBORError) -> Int {
        guard declared <= UInt64(limits.maxCollectionCount) else {
            throw CBORError(.lengthLimitExceeded, at: start,
                            "collection of \(declared) entries exceeds the limit of \(limits.maxCollectionCount)")
        }
        let count = Int(declared)
        // Divide rather than multiply: `count * minimumBytesEach` can overflow when the limit is large.
        guard count <= (input.count - offset) / minimumBytesEach else {
            throw CBORError(.truncated, at: input.count, "collection of \(count) entries runs past the end of input")
        }
        return count
    }

    private func checkOrder(previous: Range<Int>, current: Range<Int>) throws(CBORError) {
        let a = input[previous]
        let b = input[current]
        if a.elementsEqual(b) {
            throw CBORError(.duplicateMapKey, at: current.lowerBound, "map key repeats an earlier key")
        }
        if !a.lexicographicallyPrecedes(b) {
            throw CBORError(.unsortedMapKeys, at: current.lowerBound,
                            "map key is not in bytewise order after the previous key")
        }
    }

    private mutating func readByte() throws(CBORError) -> UInt8 {
        try CBORInputBytes.byte(input, at: &offset)
    }

    private mutating func readBigEndian(byteCount: Int) throws(CBORError) -> UInt64 {
        try CBORInputBytes.bigEndian(input, byteCount: byteCount, at: &offset)
    }
}
