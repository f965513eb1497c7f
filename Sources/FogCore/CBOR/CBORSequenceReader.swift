/// Walks an RFC 8742 CBOR sequence — data items back to back, with nothing between or around them —
/// and yields the byte range of each item without decoding it.
///
/// Each item must be well-formed CBOR in the profile `CBORReader` accepts (RFC 8949 §5.3.1, no
/// indefinite lengths): a head with a defined additional information, every declared length and
/// count inside the remaining bytes, nesting at most `maxDepth` deep. Whether an item is also
/// deterministic and of the right schema is for the decoder its bytes are handed to; this reader only
/// finds where each one ends, in time linear in the input.
public struct CBORSequenceReader: Sendable {
    private let input: [UInt8]
    private let maxDepth: Int
    private var offset = 0

    /// A reader of `bytes` whose items nest at most `maxDepth` deep (the top-level item is depth 1).
    public init(_ bytes: [UInt8], maxDepth: Int = CBORLimits.default.maxDepth) {
        self.input = bytes
        self.maxDepth = maxDepth
    }

    /// The range of the next item, or `nil` at the end of the input. Throws `CBORError` (with the
    /// offending byte's offset) when the bytes that remain do not start with a well-formed item;
    /// the reader must not be used after that.
    public mutating func next() throws(CBORError) -> Range<Int>? {
        guard offset < input.count else { return nil }
        let start = offset
        try skipItem(depth: 1)
        return start..<offset
    }

    private mutating func skipItem(depth: Int) throws(CBORError) {
        let start = offset
        guard depth <= maxDepth else {
            throw CBORError(.depthLimitExceeded, at: start, "nesting deeper than \(maxDepth)")
        }
        let initial = try readByte()
        let major = initial >> 5
        let info = initial & 0x1f
        if info == 31 {
            throw CBORError(.indefiniteLength, at: start, "indefinite-length item or stray \"break\" (major type \(major))")
        }
        if info >= 28 {
            throw CBORError(.reservedAdditionalInfo, at: start, "additional information \(info) is reserved")
        }
        let argument = try readArgument(info: info)
        switch major {
        case 2, 3:
            guard argument <= UInt64(input.count - offset) else {
                throw CBORError(.truncated, at: input.count, "string of \(argument) bytes runs past the end of input")
            }
            offset += Int(argument)
        case 4, 5:
            let itemsEach: UInt64 = major == 4 ? 1 : 2
            // Every item takes at least one byte: a count beyond what remains cannot be met.
            guard argument <= UInt64(input.count - offset) / itemsEach else {
                throw CBORError(.truncated, at: input.count, "collection of \(argument) entries runs past the end of input")
            }
            for _ in 0..<(argument * itemsEach) {
                try skipItem(depth: depth + 1)
            }
        case 6:
            try skipItem(depth: depth + 1)
        default:  // 0, 1 (the argument is the value), 7 (simple values and floats: the argument's bytes)
            break
        }
    }

    /// Reads the argument's bytes after the initial byte (0, 1, 2, 4 or 8 of them).
    private mutating func readArgument(info: UInt8) throws(CBORError) -> UInt64 {
        let byteCount: Int
        switch info {
        case 0..<24: return UInt64(info)
        case 24: byteCount = 1
        case 25: byteCount = 2
        case 26: byteCount = 4
        default: byteCount = 8
        }
        return try CBORInputBytes.bigEndian(input, byteCount: byteCount, at: &offset)
    }

    private mutating func readByte() throws(CBORError) -> UInt8 {
        try CBORInputBytes.byte(input, at: &offset)
    }
}
