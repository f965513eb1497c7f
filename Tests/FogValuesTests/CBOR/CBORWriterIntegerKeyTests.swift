import FogCore
import Testing

/// Maps whose keys are all integers are written without encoding each key first; the order must be
/// the bytewise order of the key encodings, as for any other map.
@Suite struct CBORWriterIntegerKeyTests {
    /// The deterministic encoding of `entries` built by hand: keys sorted by their encoded bytes.
    private static func reference(_ entries: [CBORMapEntry]) -> [UInt8] {
        var writer = CBORWriter()
        writer.writeMapHeader(count: entries.count)
        let sorted = entries.map { (key: $0.key.encoded, value: $0.value) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        for entry in sorted {
            writer.writeEncoded(entry.key)
            writer.write(entry.value)
        }
        return writer.bytes
    }

    @Test func integerKeysAcrossEveryHeadLengthSortBytewise() {
        let keys: [Int64] = [-1, 0, 23, 24, 255, 256, 65_535, 65_536, 4_294_967_296, -24, -25, -257, .min, .max, 7]
        var generator = SplitMix64(seed: 0x1e7)
        for _ in 0..<50 {
            let entries = keys.shuffled(using: &generator).map { CBORMapEntry(.int($0), .int($0 &* 3)) }
            #expect(CBORValue.map(entries).encoded == Self.reference(entries))
        }
    }

    @Test func nestedAndMixedKeyMapsMatchTheReference() {
        let inner = [CBORMapEntry(.int(2), .text("b")), CBORMapEntry(.int(-3), .null), CBORMapEntry(.int(1), .bool(true))]
        let mixed = [CBORMapEntry(.text("z"), .int(1)), CBORMapEntry(.int(5), .map(inner)), CBORMapEntry(.bytes([0]), .int(2))]
        #expect(CBORValue.map(inner).encoded == Self.reference(inner))
        #expect(CBORValue.map(mixed).encoded == Self.reference(mixed))
        #expect(Hex.encode(CBORValue.map(inner).encoded) == "a301f5026162 22f6".replacingOccurrences(of: " ", with: ""))
    }
}
