/// Length-prefixed framing: `length (u32, big-endian) ‖ frame body`, with
/// `1 ≤ length ≤ WireLimits.maxFrameBytes`.
public enum WireFrame {
    /// Prefixes `body` with its length; a body over `WireLimits.maxFrameBytes` is `frame-too-large`.
    public static func frame(_ body: [UInt8]) throws(WireError) -> [UInt8] {
        guard !body.isEmpty else { throw WireError(.emptyFrame, "frame body is empty") }
        guard body.count <= WireLimits.maxFrameBytes else {
            throw WireError(.frameTooLarge, "frame body of \(body.count) bytes exceeds \(WireLimits.maxFrameBytes)")
        }
        let length = UInt32(body.count)
        var bytes: [UInt8] = [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff),
                              UInt8(length & 0xff)]
        bytes.append(contentsOf: body)
        return bytes
    }

    /// Reads and checks a frame header: the body length it declares. A stream reader calls this as
    /// soon as four bytes have arrived, so an oversized frame is refused before it is buffered.
    public static func bodyLength(header: some Collection<UInt8>) throws(WireError) -> Int {
        guard header.count == WireLimits.frameHeaderBytes else {
            throw WireError(.truncated, "frame header needs \(WireLimits.frameHeaderBytes) bytes, found \(header.count)")
        }
        let length = header.reduce(0) { $0 << 8 | Int($1) }
        guard length > 0 else { throw WireError(.emptyFrame, "frame declares an empty body") }
        guard length <= WireLimits.maxFrameBytes else {
            throw WireError(.frameTooLarge, "frame declares \(length) bytes, the limit is \(WireLimits.maxFrameBytes)")
        }
        return length
    }

    /// Decodes exactly one whole frame, header included.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> WireMessage {
        let length = try bodyLength(header: bytes.prefix(WireLimits.frameHeaderBytes))
        let available = bytes.count - WireLimits.frameHeaderBytes
        guard available >= length else {
            throw WireError(.truncated, "frame declares \(length) bytes, \(available) arrived")
        }
        guard available == length else {
            throw WireError(.trailingBytes, "\(available - length) bytes follow the frame")
        }
        return try WireMessage.decode(frameBody: bytes[WireLimits.frameHeaderBytes...])
    }
}
