import FogCore
import Testing

/// Limits given as "unbounded" (`Int.max`) must still never let a declared length crash the reader.
@Suite struct CBORLimitTests {
    static let unbounded = CBORLimits(maxInputBytes: .max, maxDepth: 32, maxCollectionCount: .max, maxStringBytes: .max)

    @Test func hugeDeclaredMapIsTruncatedNotAnOverflow() {
        // 2^62 and 2^63-1 entries: entries × 2 bytes overflows Int.
        expectRejection([0xbb, 0x40, 0, 0, 0, 0, 0, 0, 0], .truncated, at: 9, limits: Self.unbounded)
        expectRejection([0xbb, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], .truncated, at: 9, limits: Self.unbounded)
        expectRejection([0xbb, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0], .truncated, at: 10, limits: Self.unbounded)
    }

    @Test func hugeDeclaredArrayAndStringAreTruncated() {
        expectRejection([0x9b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], .truncated, at: 9, limits: Self.unbounded)
        expectRejection([0x5b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], .truncated, at: 9, limits: Self.unbounded)
        expectRejection([0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], .lengthLimitExceeded, at: 0,
                        limits: Self.unbounded)
    }

    @Test func aMapThatFitsExactlyIsRead() throws {
        let limits = CBORLimits(maxInputBytes: 5, maxDepth: 2, maxCollectionCount: 2, maxStringBytes: 0)
        #expect(try CBORReader.decode([0xa2, 0x00, 0x00, 0x01, 0x00], limits: limits).mapEntries?.count == 2)
        expectRejection([0xa2, 0x00, 0x00, 0x01], .truncated, at: 4, limits: limits)
    }
}
