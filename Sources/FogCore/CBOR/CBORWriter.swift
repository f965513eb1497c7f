/// Writes deterministically encoded CBOR (RFC 8949 §4.2.1, "core deterministic encoding").
///
/// Integers, lengths and tags take their shortest form; every string, array and map has a definite
/// length; floats take the shortest of half, single or double precision that holds the value exactly.
/// Map order is the caller's duty when writing maps entry by entry with `writeMapHeader`; `write(_:)`
/// of a whole `CBORValue` sorts keys itself. No Foundation and no existentials, so the same writer can
/// be built under Embedded Swift for devices.
public struct CBORWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// Creates an empty writer, reserving `capacity` bytes.
    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Writes an unsigned integer (major type 0).
    public mutating func writeUnsigned(_ value: UInt64) {
        writeHead(major: 0, argument: value)
    }

    /// Writes a signed integer (major type 0 or 1).
    public mutating func writeInt(_ value: Int64) {
        if value >= 0 {
            writeHead(major: 0, argument: UInt64(value))
        } else {
            writeHead(major: 1, argument: UInt64(-1 - value))
        }
    }

    /// Writes a byte string (major type 2).
    public mutating func writeBytes(_ value: [UInt8]) {
        writeHead(major: 2, argument: UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Writes a text string (major type 3).
    public mutating func writeText(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            writeHead(major: 3, argument: UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Writes the head of an array of `count` items (major type 4); the items follow.
    public mutating func writeArrayHeader(count: Int) {
        writeHead(major: 4, argument: UInt64(count))
    }

    /// Writes the head of a map of `count` entries (major type 5); keys and values follow, keys in
    /// the bytewise order of their encodings.
    public mutating func writeMapHeader(count: Int) {
        writeHead(major: 5, argument: UInt64(count))
    }

    /// Writes a tag (major type 6); the tagged item follows.
    public mutating func writeTag(_ tag: UInt64) {
        writeHead(major: 6, argument: tag)
    }

    /// Writes `false` or `true`.
    public mutating func writeBool(_ value: Bool) {
        bytes.append(value ? 0xf5 : 0xf4)
    }

    /// Writes `null`.
    public mutating func writeNull() {
        bytes.append(0xf6)
    }

    /// Writes a float in the shortest of half, single or double precision that holds it exactly.
    /// Every NaN is written as the canonical quiet NaN 0xf97e00.
    public mutating func writeFloat(_ value: Double) {
        if value.isNaN {
            bytes.append(contentsOf: [0xf9, 0x7e, 0x00])
        } else if let half = HalfFloat.bits(exactly: value) {
            bytes.append(0xf9)
            appendBigEndian(UInt64(half), byteCount: 2)
        } else if let single = Float(exactly: value) {
            bytes.append(0xfa)
            appendBigEndian(UInt64(single.bitPattern), byteCount: 4)
        } else {
            bytes.append(0xfb)
            appendBigEndian(value.bitPattern, byteCount: 8)
        }
    }

    /// Appends bytes that already hold exactly one deterministically encoded data item.
    public mutating func writeEncoded(_ item: [UInt8]) {
        bytes.append(contentsOf: item)
    }

    /// Writes a whole data item; map entries are emitted in deterministic order.
    ///
    /// - Precondition: no map holds two keys with the same encoding, and every `.simple(n)` has `n` in
    ///   0–19 or 32–255.
    public mutating func write(_ value: CBORValue) {
        switch value {
        case .unsigned(let n): writeHead(major: 0, argument: n)
        case .negative(let n): writeHead(major: 1, argument: n)
        case .bytes(let b): writeBytes(b)
        case .text(let t): writeText(t)
        case .array(let items):
            writeArrayHeader(count: items.count)
            for item in items { write(item) }
        case .map(let entries):
            writeMapHeader(count: entries.count)
            writeSortedEntries(entries)
        case .tagged(let tag, let item):
            writeTag(tag)
            write(item)
        case .bool(let b): writeBool(b)
        case .null: writeNull()
        case .undefined: bytes.append(0xf7)
        case .simple(let n):
            precondition(n < 20 || n >= 32, "simple(\(n)) has no encoding of its own: 20–23 are false, true, null, "
                + "undefined and 24–31 are not well-formed")
            if n < 24 {
                bytes.append(0xe0 | n)
            } else {
                bytes.append(contentsOf: [0xf8, n])
            }
        case .float(let d): writeFloat(d)
        }
    }

    private mutating func writeSortedEntries(_ entries: [CBORMapEntry]) {
        if writeIntegerKeyedEntries(entries) { return }
        var encoded: [(key: [UInt8], value: CBORValue)] = []
        encoded.reserveCapacity(entries.count)
        for entry in entries {
            var keyWriter = CBORWriter(capacity: 16)
            keyWriter.write(entry.key)
            encoded.append((keyWriter.bytes, entry.value))
        }
        encoded.sort { $0.key.lexicographicallyPrecedes($1.key) }
        for index in encoded.indices {
            precondition(index == 0 || encoded[index - 1].key != encoded[index].key, "duplicate CBOR map key")
            bytes.append(contentsOf: encoded[index].key)
            write(encoded[index].value)
        }
    }

    /// Writes `entries` when every key is an integer (the keys of every FogLedger object), and
    /// returns `false`, writing nothing, otherwise. Shortest-form integer heads sort bytewise as
    /// (major type, argument) do, so the order needs no encoded keys: one index array instead of a
    /// writer and an array per key.
    private mutating func writeIntegerKeyedEntries(_ entries: [CBORMapEntry]) -> Bool {
        var ranks: [(major: UInt8, argument: UInt64, index: Int)] = []
        ranks.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            switch entry.key {
            case .unsigned(let n): ranks.append((0, n, index))
            case .negative(let n): ranks.append((1, n, index))
            default: return false
            }
        }
        ranks.sort { ($0.major, $0.argument) < ($1.major, $1.argument) }
        for position in ranks.indices {
            let rank = ranks[position]
            precondition(position == 0 || (ranks[position - 1].major, ranks[position - 1].argument) != (rank.major, rank.argument),
                         "duplicate CBOR map key")
            writeHead(major: rank.major, argument: rank.argument)
            write(entries[rank.index].value)
        }
        return true
    }

    private mutating func writeHead(major: UInt8, argument: UInt64) {
        let type = major << 5
        switch argument {
        case 0..<24:
            bytes.append(type | UInt8(argument))
        case 24...0xff:
            bytes.append(type | 24)
            bytes.append(UInt8(argument))
        case 0x100...0xffff:
            bytes.append(type | 25)
            appendBigEndian(argument, byteCount: 2)
        case 0x1_0000...0xffff_ffff:
            bytes.append(type | 26)
            appendBigEndian(argument, byteCount: 4)
        default:
            bytes.append(type | 27)
            appendBigEndian(argument, byteCount: 8)
        }
    }

    private mutating func appendBigEndian(_ value: UInt64, byteCount: Int) {
        var shift = (byteCount - 1) * 8
        while shift >= 0 {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
            shift -= 8
        }
    }
}

extension CBORValue {
    /// The deterministic encoding of this value.
    public var encoded: [UInt8] {
        var writer = CBORWriter()
        writer.write(self)
        return writer.bytes
    }
}
