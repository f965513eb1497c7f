import FogCore
import Testing

@Suite struct HexTests {
    @Test func roundTrips() {
        let bytes: [UInt8] = [0x00, 0x01, 0xab, 0xff]
        #expect(Hex.encode(bytes) == "0001abff")
        #expect(Hex.decode("0001ABff") == bytes)
    }

    /// Contiguous storage and a plain sequence give the same text, for every byte value.
    @Test func encodesEveryByteFromAnySequence() {
        let all = (0...255).map(UInt8.init)
        let expected = all.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        #expect(Hex.encode(all) == expected)
        #expect(Hex.encode(all[1...]) == String(expected.dropFirst(2)))
        #expect(Hex.encode(all.lazy.map { $0 }) == expected)
        #expect(Hex.encode([UInt8]()) == "")
    }

    @Test func rejectsMalformedText() {
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }
}
