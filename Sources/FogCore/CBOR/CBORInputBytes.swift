/// The byte-level reads both CBOR readers share: one byte, or a big-endian argument, at a cursor that
/// advances past what was read; running out of input is `truncated`.
enum CBORInputBytes {
    /// The byte at `offset`, then `offset` moves past it.
    static func byte(_ input: [UInt8], at offset: inout Int) throws(CBORError) -> UInt8 {
        guard offset < input.count else {
            throw CBORError(.truncated, at: offset, "input ends inside a data item")
        }
        defer { offset += 1 }
        return input[offset]
    }

    /// The `byteCount` bytes at `offset` as a big-endian unsigned integer, then `offset` moves past them.
    static func bigEndian(_ input: [UInt8], byteCount: Int, at offset: inout Int) throws(CBORError) -> UInt64 {
        guard byteCount <= input.count - offset else {
            throw CBORError(.truncated, at: input.count, "input ends inside a \(byteCount)-byte argument")
        }
        var value: UInt64 = 0
        for index in offset..<offset + byteCount {
            value = value << 8 | UInt64(input[index])
        }
        offset += byteCount
        return value
    }
}
