import FogCore
import Testing

/// `CBORValue` equality is equality of the deterministic encoding.
@Suite struct CBORValueEqualityTests {
    @Test func mapsAreEqualWhateverOrderTheyWereBuiltIn() {
        let a = CBORValue.map([CBORMapEntry(.int(2), .text("b")), CBORMapEntry(.int(-1), .int(1)), CBORMapEntry(.int(1), .null)])
        let b = CBORValue.map([CBORMapEntry(.int(1), .null), CBORMapEntry(.int(2), .text("b")), CBORMapEntry(.int(-1), .int(1))])
        #expect(a.encoded == b.encoded)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(Set([a, b]).count == 1)
        let c = CBORValue.map([CBORMapEntry(.int(1), .null), CBORMapEntry(.int(2), .text("c")), CBORMapEntry(.int(-1), .int(1))])
        #expect(a != c)
        #expect(CBORValue.map([CBORMapEntry(.int(1), .null)]) != .map([CBORMapEntry(.int(2), .null)]))
        #expect(CBORValue.map([]) != .map([CBORMapEntry(.int(1), .null)]))
    }

    @Test func textComparesByUTF8NotCanonicalEquivalence() {
        let composed = CBORValue.text("\u{e9}")
        let decomposed = CBORValue.text("e\u{301}")
        #expect(composed.encoded != decomposed.encoded)
        #expect(composed != decomposed)
        #expect(CBORValue.text("é") == .text("\u{e9}"))
    }

    @Test func floatsCompareLikeTheirEncodings() {
        #expect(CBORValue.float(0.0).encoded != CBORValue.float(-0.0).encoded)
        #expect(CBORValue.float(0.0) != .float(-0.0))
        #expect(CBORValue.float(.nan) == .float(-.nan))
        #expect(CBORValue.float(.nan) == .float(Double(bitPattern: 0x7ff0_0000_0000_0001)))
        #expect(CBORValue.float(.nan).hashValue == CBORValue.float(Double(bitPattern: 0x7ff0_0000_0000_0001)).hashValue)
        #expect(CBORValue.float(1.5) == .float(1.5))
        #expect(CBORValue.float(1) != .unsigned(1))
    }

    @Test func nestedValuesUseTheSameRules() {
        let a = CBORValue.array([.tagged(1, .map([CBORMapEntry(.int(2), .float(-0.0)), CBORMapEntry(.int(1), .bool(true))]))])
        let b = CBORValue.array([.tagged(1, .map([CBORMapEntry(.int(1), .bool(true)), CBORMapEntry(.int(2), .float(-0.0))]))])
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != .array([.tagged(2, .map([CBORMapEntry(.int(1), .bool(true)), CBORMapEntry(.int(2), .float(-0.0))]))]))
    }

    @Test func decodedValueEqualsTheValueItWasWrittenFrom() throws {
        let built = CBORValue.map([CBORMapEntry(.text("z"), .int(-500)), CBORMapEntry(.int(0), .bytes([1, 2])),
                                   CBORMapEntry(.text("a"), .float(21.5))])
        #expect(try CBORReader.decode(built.encoded) == built)
    }
}
