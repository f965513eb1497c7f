import FogCrypto
import Testing

/// A digest from its bytes: any collection of exactly 32 bytes, contiguous or not, gives the same
/// big-endian words; any other length gives none.
@Suite struct Hash256Tests {
    static let counting = (0..<32).map { UInt8($0) }
    static let countingWords: (UInt64, UInt64, UInt64, UInt64) =
        (0x0001_0203_0405_0607, 0x0809_0A0B_0C0D_0E0F, 0x1011_1213_1415_1617, 0x1819_1A1B_1C1D_1E1F)

    static func hasCountingWords(_ hash: Hash256?) -> Bool {
        guard let words = hash?.words else { return false }
        return words == countingWords
    }

    @Test func thirtyTwoBytesGiveTheirBigEndianWordsFromAnyCollection() {
        #expect(Self.hasCountingWords(Hash256(bytes: Self.counting)))
        // A slice whose indices do not start at zero.
        let padded = [UInt8(0xAA)] + Self.counting + [0xBB]
        #expect(Self.hasCountingWords(Hash256(bytes: padded[1...32])))
        // A collection without contiguous storage.
        #expect(Self.hasCountingWords(Hash256(bytes: (0..<32).lazy.map { UInt8($0) })))
        #expect(Hash256(bytes: Self.counting)?.bytes == Self.counting)
        #expect(Hash256(bytes: [UInt8](repeating: 0xFF, count: 32))?.hex == String(repeating: "f", count: 64))
    }

    @Test func anyOtherLengthGivesNoDigest() {
        #expect(Hash256(bytes: [UInt8]()) == nil)
        #expect(Hash256(bytes: Self.counting.dropLast()) == nil)
        #expect(Hash256(bytes: Self.counting + [0]) == nil)
        #expect(Hash256(bytes: (0..<33).lazy.map { UInt8($0) }) == nil)
    }
}
