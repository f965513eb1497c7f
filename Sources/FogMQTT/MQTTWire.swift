import NIOCore

/// Primitive MQTT data representations (MQTT 5.0 §1.5; identical in 3.1.1).
enum MQTTWire {
    static func readInteger<T: FixedWidthInteger>(from buffer: inout ByteBuffer) throws(MQTTCodecError) -> T {
        guard let v = buffer.readInteger(as: T.self) else { throw .truncated }
        return v
    }

    static func variableByteIntegerLength(_ value: Int) -> Int {
        value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4
    }

    static func writeVariableByteInteger(_ value: Int, into buffer: inout ByteBuffer) throws(MQTTCodecError) {
        guard value >= 0, value <= MQTTLimits.maximumVariableByteInteger else { throw .packetTooLarge(
            size: value, maximum: MQTTLimits.maximumVariableByteInteger) }
        var v = value
        repeat {
            var byte = UInt8(v & 0x7F)
            v >>= 7
            if v > 0 { byte |= 0x80 }
            buffer.writeInteger(byte)
        } while v > 0
    }

    /// Reads a variable byte integer; a continuation bit on the fourth byte is malformed.
    static func readVariableByteInteger(from buffer: inout ByteBuffer) throws(MQTTCodecError) -> Int {
        switch peekVariableByteInteger(buffer, at: buffer.readerIndex) {
        case .value(let v, let length):
            buffer.moveReaderIndex(forwardBy: length)
            return v
        case .needMoreData: throw .truncated
        case .malformed: throw .malformedVariableByteInteger
        }
    }

    enum Peek { case value(Int, length: Int), needMoreData, malformed }

    static func peekVariableByteInteger(_ buffer: ByteBuffer, at index: Int) -> Peek {
        var value = 0
        for i in 0..<4 {
            guard let byte = buffer.getInteger(at: index + i, as: UInt8.self) else { return .needMoreData }
            value |= Int(byte & 0x7F) << (7 * i)
            if byte & 0x80 == 0 { return .value(value, length: i + 1) }
        }
        return .malformed
    }

    static func writeString(_ s: String, into buffer: inout ByteBuffer) throws(MQTTCodecError) {
        let count = s.utf8.count
        guard count <= MQTTLimits.maximumStringLength else { throw .fieldTooLong }
        guard !s.utf8.contains(0) else { throw .invalidUTF8 }
        buffer.writeInteger(UInt16(count))
        buffer.writeString(s)
    }

    static func writeBinary(_ b: [UInt8], into buffer: inout ByteBuffer) throws(MQTTCodecError) {
        guard b.count <= MQTTLimits.maximumStringLength else { throw .fieldTooLong }
        buffer.writeInteger(UInt16(b.count))
        buffer.writeBytes(b)
    }

    /// A UTF-8 encoded string: well-formed UTF-8 with no U+0000 (MQTT 5.0 §1.5.4).
    static func readString(from buffer: inout ByteBuffer) throws(MQTTCodecError) -> String {
        let bytes = try readBinary(from: &buffer)
        guard !bytes.contains(0), let s = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8 }
        return s
    }

    static func readBinary(from buffer: inout ByteBuffer) throws(MQTTCodecError) -> [UInt8] {
        let length: UInt16 = try readInteger(from: &buffer)
        guard let bytes = buffer.readBytes(length: Int(length)) else { throw .truncated }
        return bytes
    }
}

/// Topic names and filters (MQTT 5.0 §4.7).
public enum MQTTTopic {
    /// A topic name as PUBLISH carries it: non-empty, no wildcards.
    public static func isValidName(_ topic: String) -> Bool {
        !topic.isEmpty && !topic.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") })
    }

    /// A topic filter: non-empty; `+` fills a whole level; `#` fills a whole level and comes last.
    public static func isValidFilter(_ filter: String) -> Bool {
        guard !filter.isEmpty else { return false }
        let levels = filter.split(separator: "/", omittingEmptySubsequences: false)
        for (i, level) in levels.enumerated() {
            if level.contains("#") && (level != "#" || i != levels.count - 1) { return false }
            if level.contains("+") && level != "+" { return false }
        }
        return true
    }

    /// Whether a topic name matches a filter (topics beginning with `$` match no leading wildcard).
    public static func matches(filter: String, topic: String) -> Bool {
        let f = filter.split(separator: "/", omittingEmptySubsequences: false)
        let t = topic.split(separator: "/", omittingEmptySubsequences: false)
        if topic.hasPrefix("$"), let first = f.first, first == "+" || first == "#" { return false }
        var i = 0
        while i < f.count {
            if f[i] == "#" { return true }
            guard i < t.count else { return false }
            if f[i] != "+" && f[i] != t[i] { return false }
            i += 1
        }
        return i == t.count
    }
}
