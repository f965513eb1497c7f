import FogCore
import FogTestKit
import Testing

/// `CBORSequenceReader` finds each item of an RFC 8742 sequence where `CBORReader` would, and
/// refuses a sequence whose bytes are not well-formed items.
@Suite struct CBORSequenceReaderTests {
    static func ranges(_ bytes: [UInt8], maxDepth: Int = 32) throws(CBORError) -> [Range<Int>] {
        var reader = CBORSequenceReader(bytes, maxDepth: maxDepth)
        var ranges: [Range<Int>] = []
        while let range = try reader.next() { ranges.append(range) }
        return ranges
    }

    @Test func splitsItemsOfEveryMajorType() throws {
        let items: [CBORValue] = [
            .unsigned(0), .unsigned(1_000_000), .negative(24), .bytes([1, 2, 3]), .text("fog"),
            .array([.unsigned(1), .array([.null])]), .map([CBORMapEntry(.unsigned(1), .text("a"))]),
            .tagged(1, .unsigned(1_700_000_000)), .float(1.5), .float(3.14159), .bool(true), .simple(40),
        ]
        let encoded = items.map(\.encoded)
        let ranges = try Self.ranges(encoded.flatMap { $0 })
        #expect(ranges.count == items.count)
        var offset = 0
        for (range, bytes) in zip(ranges, encoded) {
            #expect(range == offset..<offset + bytes.count)
            offset += bytes.count
        }
        #expect(try Self.ranges([]).isEmpty)
    }

    /// Random well-formed items back to back split exactly as they were written.
    @Test func splitsRandomItemsAsWritten() throws {
        var rng = SeededGenerator(seed: 8742)
        for _ in 0..<200 {
            let items = (0..<Int.random(in: 1...8, using: &rng)).map { _ in RandomCBOR().value(using: &rng).encoded }
            let ranges = try Self.ranges(items.flatMap { $0 })
            #expect(ranges.map(\.count) == items.map(\.count))
        }
    }

    @Test func refusesWhatIsNotASequenceOfWellFormedItems() {
        let valid = CBORValue.array([.unsigned(1), .bytes([9, 9])]).encoded  // 0x82 01 42 09 09
        func refuses(_ bytes: [UInt8], _ code: CBORError.Code, at offset: Int, maxDepth: Int = 32,
                     sourceLocation: SourceLocation = #_sourceLocation) {
            let error = #expect(throws: CBORError.self, sourceLocation: sourceLocation) { try Self.ranges(bytes, maxDepth: maxDepth) }
            #expect(error?.code == code && error?.offset == offset, "\(String(describing: error))", sourceLocation: sourceLocation)
        }
        // A truncated last item, a string or collection longer than what remains, a cut argument.
        refuses(valid + valid.dropLast(), .truncated, at: 2 * valid.count - 1)
        refuses(valid + [0x44, 1, 2], .truncated, at: valid.count + 3)
        refuses(valid + [0x9a, 0xff, 0xff, 0xff, 0xff], .truncated, at: valid.count + 5)
        refuses([0x19, 0x01], .truncated, at: 2)
        // Indefinite lengths and a stray break; reserved additional information.
        refuses(valid + [0x9f, 0x01, 0xff], .indefiniteLength, at: valid.count)
        refuses([0xff], .indefiniteLength, at: 0)
        refuses(valid + [0x1c], .reservedAdditionalInfo, at: valid.count)
        refuses([0xfd], .reservedAdditionalInfo, at: 0)
        // Nesting beyond the limit.
        refuses([0x81, 0x81, 0x81, 0x00], .depthLimitExceeded, at: 2, maxDepth: 2)
    }

    /// A collection that claims more entries than bytes remain is refused from its head, without
    /// walking them (the reader's work is linear in the input).
    @Test func hugeDeclaredCountsAreRefusedAtOnce() {
        let error = #expect(throws: CBORError.self) { try Self.ranges([0xbb] + [UInt8](repeating: 0xff, count: 8) + [0, 0]) }
        #expect(error?.code == .truncated)
    }
}
