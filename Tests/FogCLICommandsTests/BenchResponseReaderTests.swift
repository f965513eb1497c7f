import NIOCore
import Testing

@testable import FogCLICommands

@Suite struct BenchResponseReaderTests {
    private static let accepted = Array("""
        HTTP/1.1 202 Accepted\r
        Content-Type: application/json\r
        content-length: 33\r
        Date: Sun, 22 Nov 2026 23:00:00 GMT\r
        \r
        {"id":"ab12","status":"pending"}\n
        """.utf8)

    private static func read(_ chunks: [[UInt8]]) throws -> [BenchResponseReader.Response] {
        var reader = BenchResponseReader()
        var responses: [BenchResponseReader.Response] = []
        for chunk in chunks {
            var buffer = ByteBuffer(bytes: chunk)
            responses += try reader.read(&buffer)
        }
        return responses
    }

    @Test func aWholeResponseInOneRead() throws {
        let responses = try Self.read([Self.accepted])
        #expect(responses == [.init(status: 202, body: Array("{\"id\":\"ab12\",\"status\":\"pending\"}\n".utf8))])
    }

    /// However the bytes are cut, the same responses come out, each once, in order.
    @Test func responsesSplitAnywhereOrSharingAReadComeOutWhole() throws {
        let conflict = Array("HTTP/1.1 409 Conflict\r\nContent-Length: 2\r\n\r\n{}".utf8)
        let empty = Array("HTTP/1.1 204 No Content\r\n\r\n".utf8)
        let stream = Self.accepted + conflict + empty + Self.accepted
        let expected = try Self.read([Self.accepted]) + [.init(status: 409, body: Array("{}".utf8)), .init(status: 204, body: [])]
            + Self.read([Self.accepted])
        #expect(try Self.read([stream]) == expected)
        #expect(try Self.read(stream.map { [$0] }) == expected)
        for cut in stride(from: 1, to: stream.count, by: 7) {
            #expect(try Self.read([Array(stream[..<cut]), Array(stream[cut...])]) == expected, "cut at \(cut)")
        }
    }

    @Test func anIncompleteResponseWaitsForItsBytes() throws {
        #expect(try Self.read([Array(Self.accepted.dropLast())]).isEmpty)
        #expect(try Self.read([Array(Self.accepted.prefix(30))]).isEmpty)
    }

    /// What the reader does not frame — chunked or unframed bodies, malformed lines, oversize
    /// heads and bodies — is refused, not guessed at.
    @Test func whatItCannotFrameIsRefused() {
        let refused = [
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{}",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
            "HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\n{}",
            "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n",
            "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n",
            "HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent\rLength: 0\r\n\r\n",
        ]
        for text in refused {
            #expect(throws: BenchResponseReader.Malformed.self, "\(text.debugDescription)") {
                try Self.read([Array(text.utf8)])
            }
        }
        #expect(throws: BenchResponseReader.Malformed.self) {
            try Self.read([Array("HTTP/1.1 200 OK\r\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: BenchResponseReader.maxHeadBytes + 1)])
        }
    }
}
