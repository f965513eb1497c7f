import NIOCore

/// Reads HTTP/1.1 responses from a connection's bytes as they arrive: each one's status code and its
/// body of `Content-Length` bytes.
///
/// The load connections use it instead of NIO's HTTP client codec, whose per-request work (header
/// objects, the llhttp parser, one pipeline message per part) made the client spend 27 µs of CPU
/// per single-reading request, on the two cores the node uses; with this reader, 17 µs
/// (docs/benchmarks.md, "Round 9"). It reads only what the node
/// sends (every answer carries its length); anything else — a chunked or unframed body, a malformed
/// status line or header, a head or body over its limit — is an error, never a guess.
struct BenchResponseReader {
    /// One response.
    struct Response: Equatable {
        let status: Int
        let body: [UInt8]
    }

    /// The bytes were not a response this reader accepts.
    struct Malformed: Error, Equatable, CustomStringConvertible {
        let reason: String
        var description: String { "malformed HTTP response: \(reason)" }
    }

    /// The longest response head (status line and headers).
    static let maxHeadBytes = 16 * 1024
    /// The longest body.
    static let maxBodyBytes = 16 * 1024 * 1024

    private var pending = ByteBuffer()
    /// The head of the response whose body is still arriving: its status and body length.
    private var head: (status: Int, length: Int)?

    /// Takes `bytes` and returns every response they complete, in order.
    mutating func read(_ bytes: inout ByteBuffer) throws(Malformed) -> [Response] {
        pending.writeBuffer(&bytes)
        var responses: [Response] = []
        while true {
            if head == nil {
                guard let end = Self.endOfHead(in: pending) else {
                    guard pending.readableBytes <= Self.maxHeadBytes else { throw Malformed(reason: "head over \(Self.maxHeadBytes) bytes") }
                    break
                }
                let text = pending.readBytes(length: end)!
                pending.moveReaderIndex(forwardBy: 4)
                head = try Self.parseHead(text)
            }
            guard let (status, length) = head, pending.readableBytes >= length else { break }
            responses.append(Response(status: status, body: pending.readBytes(length: length)!))
            head = nil
        }
        pending.discardReadBytes()
        return responses
    }

    /// Where the blank line ending the head starts, if it has arrived.
    private static func endOfHead(in buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes in
            guard bytes.count >= 4 else { return nil }
            for index in 0...(bytes.count - 4)
            where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
                return index
            }
            return nil
        }
    }

    /// The status line's accepted beginnings (made once, not per response).
    private static let versions = [Array("HTTP/1.1 ".utf8), Array("HTTP/1.0 ".utf8)]

    /// The status and body length of a head (without its final blank line).
    static func parseHead(_ head: [UInt8]) throws(Malformed) -> (status: Int, length: Int) {
        var lines = head.split(separator: 10, omittingEmptySubsequences: false).map { line in
            line.last == 13 ? line.dropLast() : line
        }[...]
        guard let statusLine = lines.popFirst(), statusLine.count >= 12,
              versions.contains(where: { statusLine.starts(with: $0) }),
              let status = Int(String(decoding: statusLine.dropFirst(9).prefix(3), as: UTF8.self)), (100...599).contains(status),
              statusLine.count == 12 || statusLine[statusLine.startIndex + 12] == UInt8(ascii: " ")
        else { throw Malformed(reason: "status line \(String(decoding: head.prefix(40), as: UTF8.self).debugDescription)") }
        var length: Int?
        for line in lines {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                throw Malformed(reason: "header line \(String(decoding: line.prefix(40), as: UTF8.self).debugDescription)")
            }
            let name = line[..<colon], value = line[(colon + 1)...].trimmingBlanks
            if name.equalsIgnoringCase("content-length") {
                guard length == nil, !value.isEmpty, value.count <= 9, value.allSatisfy({ (48...57).contains($0) }) else {
                    throw Malformed(reason: "content-length \(String(decoding: value, as: UTF8.self).debugDescription)")
                }
                let parsed = value.reduce(0) { $0 * 10 + Int($1 - 48) }
                guard parsed <= maxBodyBytes else { throw Malformed(reason: "a body of \(parsed) bytes") }
                length = parsed
            } else if name.equalsIgnoringCase("transfer-encoding") {
                throw Malformed(reason: "transfer-encoding \(String(decoding: value, as: UTF8.self)) (only Content-Length bodies are read)")
            }
        }
        if let length { return (status, length) }
        // Only these statuses have no body without a length (RFC 9112 §6.3).
        guard status < 200 || status == 204 || status == 304 else { throw Malformed(reason: "a \(status) answer without Content-Length") }
        return (status, 0)
    }
}

private extension ArraySlice<UInt8> {
    /// Without the spaces and tabs around it.
    var trimmingBlanks: ArraySlice<UInt8> {
        let blank: (UInt8) -> Bool = { $0 == 32 || $0 == 9 }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return [] }
        return self[first...last]
    }

    /// Whether the bytes spell `name` (lowercase ASCII) in any case.
    func equalsIgnoringCase(_ name: StaticString) -> Bool {
        guard count == name.utf8CodeUnitCount else { return false }
        return name.withUTF8Buffer { expected in
            zip(self, expected).allSatisfy { byte, lower in ((65...90).contains(byte) ? byte | 0x20 : byte) == lower }
        }
    }
}
