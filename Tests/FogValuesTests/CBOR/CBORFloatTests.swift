import FogCore
import FogTestKit
import Testing

/// Shortest-form floats (RFC 8949 §4.2.1): the writer picks the narrowest of half, single and double
/// that holds the value exactly, and the reader rejects any wider form of a value that fits a narrower one.
@Suite struct CBORFloatTests {
    /// Values around the half/single/double boundaries and their shortest encodings, computed
    /// independently (Python `struct`, formats `e`, `f`, `d`).
    static let boundaries: [(Double, String)] = [
        (0.0, "f90000"),
        (-0.0, "f98000"),
        (0x1p-24, "f90001"),  // smallest half subnormal
        (-0x1p-24, "f98001"),
        (0x1p-25, "fa33000000"),  // half of it: below every half
        (0x1.8p-24, "fa33c00000"),  // between two half subnormals
        (0x1p-15, "f90200"),
        (0x1.ff8p-15, "f903ff"),  // largest half subnormal
        (0x1p-14, "f90400"),  // smallest half normal
        (0x1.004p-14, "f90401"),
        (0x1.002p-14, "fa38801000"),  // one bit more than half's 10-bit fraction
        (0x1.004p-24, "fa33802000"),  // normal in single, off the half subnormal grid
        (1.0, "f93c00"),
        (0x1.004p0, "f93c01"),
        (0x1.002p0, "fa3f801000"),
        (0x1.000002p0, "fa3f800001"),  // last bit of single's fraction
        (0x1.000001p0, "fb3ff0000010000000"),  // one bit past single
        (2048, "f96800"),
        (2049, "fa45001000"),  // integer beyond half's 11-bit significand
        (4097, "fa45800800"),
        (32768, "f97800"),
        (65504, "f97bff"),  // largest half
        (-65504, "f9fbff"),
        (65505, "fa477fe100"),
        (65519, "fa477fef00"),
        (65520, "fa477ff000"),  // rounds to half infinity, so it is not exact in half
        (65536, "fa47800000"),
        (100_000, "fa47c35000"),
        (1_000_000.5, "fa49742408"),  // RFC 8949 §4.2.1's example
        (5.5, "f94580"),
        (0.1, "fb3fb999999999999a"),
        (1.0 / 3, "fb3fd5555555555555"),
        (Double(Float.greatestFiniteMagnitude), "fa7f7fffff"),
        (0x1p128, "fb47f0000000000000"),
        (Double(Float.leastNormalMagnitude), "fa00800000"),
        (Double(Float.leastNonzeroMagnitude), "fa00000001"),  // smallest single subnormal
        (0x1p-150, "fb3690000000000000"),
        (0x1.8p-149, "fb36a8000000000000"),
        (.leastNonzeroMagnitude, "fb0000000000000001"),
        (.greatestFiniteMagnitude, "fb7fefffffffffffff"),
        (.leastNormalMagnitude, "fb0010000000000000"),
        (.infinity, "f97c00"),
        (-.infinity, "f9fc00"),
    ]

    @Test func writerPicksTheShortestExactForm() {
        for (value, hex) in Self.boundaries {
            #expect(Hex.encode(CBORValue.float(value).encoded) == hex, "\(value)")
        }
    }

    @Test func readerReturnsTheExactValue() throws {
        for (value, hex) in Self.boundaries {
            let decoded = try CBORReader.decode(Hex.decode(hex)!)
            #expect(decoded.isIdentical(to: .float(value)), "\(hex) decoded as \(decoded)")
        }
    }

    @Test func readerRejectsEveryWiderForm() {
        for (value, hex) in Self.boundaries {
            for wider in Self.widerForms(of: value, shortest: hex) {
                expectNonCanonicalFloat(wider, "\(value) as \(Hex.encode(wider))")
            }
        }
    }

    @Test func everyNaNIsWrittenAsTheCanonicalQuietNaN() {
        let nans: [Double] = [
            .nan, -.nan, .signalingNaN, -.signalingNaN, Double(bitPattern: 0x7ff0_0000_0000_0001),
            Double(bitPattern: 0xfff8_0000_0000_0000), Double(bitPattern: 0x7fff_ffff_ffff_ffff),
            Double(Float.nan), Double(Float(bitPattern: 0x7fc0_0001)),
        ]
        for nan in nans {
            #expect(CBORValue.float(nan).encoded == [0xf9, 0x7e, 0x00], "\(nan.bitPattern)")
        }
        var writer = CBORWriter()
        writer.writeFloat(-.signalingNaN)
        #expect(writer.bytes == [0xf9, 0x7e, 0x00])
    }

    /// All 65,536 half-precision patterns: each non-NaN one decodes to its exact value and re-encodes to
    /// itself; only 0x7e00 among the NaNs is accepted; the same values as single or double are rejected
    /// (checked for every eighth pattern; `readerRejectsEveryWiderForm` covers the edges).
    /// (Checked in plain code, recording only failures: an expectation per pattern is too slow in debug.)
    @Test func everyHalfPattern() {
        var failures: [String] = []
        for bits in UInt16.min...UInt16.max {
            let bytes: [UInt8] = [0xf9, UInt8(bits >> 8), UInt8(bits & 0xff)]
            let expected = RandomCBOR.halfValue(bits)
            if expected.isNaN && bits != 0x7e00 {
                if !Self.rejectedAsNonCanonicalFloat(bytes) { failures.append("half \(bits) accepted") }
                continue
            }
            guard let decoded = try? CBORReader.decode(bytes), case .float(let value) = decoded,
                  value.bitPattern == expected.bitPattern || (value.isNaN && expected.isNaN), decoded.encoded == bytes
            else {
                failures.append("half \(bits) does not round-trip")
                continue
            }
            if !expected.isNaN && bits % 8 == 0  // the wider forms of every eighth pattern, to stay fast
                && !(Self.rejectedAsNonCanonicalFloat(Self.single(Float(expected)))
                     && Self.rejectedAsNonCanonicalFloat(Self.double(expected))) {
                failures.append("half \(bits) accepted as a single or double")
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    static func rejectedAsNonCanonicalFloat(_ bytes: [UInt8]) -> Bool {
        do {
            _ = try CBORReader.decode(bytes)
            return false
        } catch {
            return error.code == .nonCanonicalFloat && error.offset == 0
        }
    }

    /// Random single-precision patterns: accepted exactly when not NaN and not exact in half.
    @Test(arguments: [UInt64(7), 8, 9])
    func randomSinglePatterns(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<4_000 {
            let float = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng))
            try checkSingle(float)
        }
        // Every half value, nudged by one single ulp either way, needs a single.
        for bits in stride(from: UInt16(0x0001), to: 0x7c00, by: 37) {
            let float = Float(RandomCBOR.halfValue(bits))
            try checkSingle(float.nextUp)
            try checkSingle(float.nextDown)
        }
    }

    /// Random double-precision patterns: accepted exactly when not NaN and not exact in single.
    @Test(arguments: [UInt64(10), 11, 12])
    func randomDoublePatterns(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<4_000 {
            let double = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &rng))
            let bytes = Self.double(double)
            if double.isNaN || Self.fitsSingle(double) {
                expectNonCanonicalFloat(bytes, "\(double)")
            } else {
                let decoded = try CBORReader.decode(bytes)
                #expect(decoded.isIdentical(to: .float(double)))
                #expect(decoded.encoded == bytes)
            }
        }
    }

    private func checkSingle(_ float: Float) throws {
        let bytes = Self.single(float)
        if float.isNaN || Self.fitsHalf(Double(float)) {
            expectNonCanonicalFloat(bytes, "\(float)")
        } else {
            let decoded = try CBORReader.decode(bytes)
            #expect(decoded.isIdentical(to: .float(Double(float))), "\(float)")
            #expect(decoded.encoded == bytes, "\(float)")
        }
    }

    private func expectNonCanonicalFloat(
        _ bytes: [UInt8], _ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        expectRejection(bytes, .nonCanonicalFloat, at: 0, comment, sourceLocation: sourceLocation)
    }

    /// Exact in half, decided by brute force over the 65,536 patterns' values (not by FogCore's code).
    static func fitsHalf(_ value: Double) -> Bool {
        halfValues.contains(value) || value.isInfinite
    }

    static let halfValues: Set<Double> = Set((UInt16.min...UInt16.max).map(RandomCBOR.halfValue).filter { !$0.isNaN })

    static func fitsSingle(_ value: Double) -> Bool {
        Double(Float(value)) == value
    }

    static func single(_ value: Float) -> [UInt8] {
        [0xfa] + (0..<4).reversed().map { UInt8(truncatingIfNeeded: value.bitPattern >> ($0 * 8)) }
    }

    static func double(_ value: Double) -> [UInt8] {
        [0xfb] + (0..<8).reversed().map { UInt8(truncatingIfNeeded: value.bitPattern >> ($0 * 8)) }
    }

    static func widerForms(of value: Double, shortest hex: String) -> [[UInt8]] {
        switch hex.prefix(2) {
        case "f9": return [single(Float(value)), double(value)]
        case "fa": return [double(value)]
        default: return []
        }
    }
}
