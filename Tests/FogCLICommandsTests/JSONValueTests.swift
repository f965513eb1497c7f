import FogCore
import Foundation
import Testing

@testable import FogCLICommands

@Suite struct JSONToCBORTests {
    private static func cbor(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CBORValue {
        try JSONValue.parse(text).cbor()
    }

    /// The hex of the deterministic CBOR encoding of the JSON `text`.
    private static func hex(_ text: String) throws -> String {
        Hex.encode(try cbor(text).encoded)
    }

    /// The error parsing and converting `text` gives, or `nil`.
    private static func error(_ text: String) -> CLIError? {
        do {
            _ = try JSONValue.parse(text).cbor()
            return nil
        } catch {
            return error
        }
    }

    @Test func unsignedIntegersStayIntegers() throws {
        #expect(try Self.cbor("0") == .unsigned(0))
        #expect(try Self.cbor("23") == .unsigned(23))
        #expect(try Self.hex("24") == "1818")
        #expect(try Self.cbor("9223372036854775807") == .unsigned(UInt64(Int64.max)))
        #expect(try Self.cbor("18446744073709551615") == .unsigned(.max))
        #expect(try Self.hex("18446744073709551615") == "1bffffffffffffffff")
    }

    @Test func negativeIntegersStayIntegers() throws {
        #expect(try Self.cbor("-1") == .negative(0))
        #expect(try Self.hex("-1") == "20")
        #expect(try Self.hex("-100") == "3863")
        #expect(try Self.cbor("-9223372036854775808") == .int(.min))
        #expect(try Self.cbor("-0") == .unsigned(0))
    }

    @Test func fractionsAndExponentsBecomeFloatsInTheirShortestForm() throws {
        #expect(try Self.hex("4.5") == "f94480")
        #expect(try Self.hex("-1.5e-3") == Hex.encode(CBORValue.float(-0.0015).encoded))
        #expect(try Self.hex("0.1") == "fb3fb999999999999a")
        #expect(try Self.hex("100000.5") == "fa47c35040")
        #expect(try Self.hex("1.7976931348623157e308") == "fb7fefffffffffffff")
    }

    @Test func aNumberWrittenAsAFloatStaysAFloat() throws {
        // A sensor that reports 4.0 after 4.5 must not switch between float and integer.
        #expect(try Self.cbor("4.0") == .float(4.0))
        #expect(try Self.hex("1.0") == "f93c00")
        #expect(try Self.cbor("1e2") == .float(100))
        #expect(try Self.cbor("1E+2") == .float(100))
        #expect(try Self.cbor("0.0") == .float(0))
        #expect(try Self.hex("-0.0") == "f98000")
    }

    @Test func numbersBeyondRangeAreRejectedNotRounded() {
        for text in ["18446744073709551616", "-9223372036854775809", "1e400", "-1e400",
                     "123456789012345678901234567890"] {
            let error = Self.error(text)
            #expect(error?.code == "invalid-argument", "\(text)")
        }
    }

    @Test func boolsAndNull() throws {
        #expect(try Self.cbor("true") == .bool(true))
        #expect(try Self.cbor("false") == .bool(false))
        #expect(try Self.cbor("null") == .null)
        #expect(try Self.hex("[true,false,null]") == "83f5f4f6")
    }

    @Test func strings() throws {
        #expect(try Self.cbor(#""""#) == .text(""))
        #expect(try Self.cbor(#""caf\u00e9 \"x\" \\ \/ \b\f\n\r\t""#) == .text("café \"x\" \\ / \u{8}\u{c}\n\r\t"))
        #expect(try Self.cbor(#""\ud83d\ude00""#) == .text("😀"))
        #expect(try Self.cbor(#""a\u0000b""#) == .text("a\u{0}b"))
        #expect(try Self.cbor("\"é😀\"") == .text("é😀"))
    }

    @Test func nestedObjectsAreSortedBytewise() throws {
        let value = try Self.cbor(#"{"b": 1, "aa": true, "a": {"d": [1, 2.5, {"c": null}], "c": "x"}}"#)
        // Keys in the order of their encodings: "a" (61 61), "b" (61 62), "aa" (62 61 61).
        #expect(Hex.encode(value.encoded)
            == "a3" + "6161" + "a2" + "6163" + "6178" + "6164" + "8301f94100a16163f6"
            + "6162" + "01" + "626161" + "f5")
        // The encoding is the same whatever order the members were written in.
        #expect(try Self.cbor(#"{"aa": true, "a": {"c": "x", "d": [1, 2.5, {"c": null}]}, "b": 1}"#).encoded == value.encoded)
    }

    @Test func emptyContainers() throws {
        #expect(try Self.hex("[]") == "80")
        #expect(try Self.hex("{}") == "a0")
        #expect(try Self.hex(" [ { } , [ ] ] ") == "82a080")
    }

    @Test func nestingUpToTheLimitIsAccepted() throws {
        let depth = 16
        let text = String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
        var expected = CBORValue.unsigned(1)
        for _ in 0..<depth { expected = .array([expected]) }
        #expect(try Self.cbor(text) == expected)
        let objects = String(repeating: #"{"k":"#, count: depth) + "1" + String(repeating: "}", count: depth)
        _ = try Self.cbor(objects)
    }

    @Test func nestingBeyondTheLimitIsRejected() {
        let depth = 17
        let arrays = String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
        #expect(Self.error(arrays)?.message.contains("deeper than 16") == true)
        let objects = String(repeating: #"{"k":"#, count: depth) + "1" + String(repeating: "}", count: depth)
        #expect(Self.error(objects)?.message.contains("deeper than 16") == true)
        // Far deeper than the limit: rejected without exhausting the stack.
        let hostile = String(repeating: "[", count: 60_000)
        #expect(Self.error(hostile)?.code == "invalid-argument")
    }

    @Test func sizeUpToTheLimitIsAccepted() throws {
        let text = "\"" + String(repeating: "x", count: 64 * 1024 - 2) + "\""
        #expect(text.utf8.count == 64 * 1024)
        #expect(try Self.cbor(text) == .text(String(repeating: "x", count: 64 * 1024 - 2)))
    }

    @Test func sizeBeyondTheLimitIsRejected() {
        let text = "\"" + String(repeating: "x", count: 64 * 1024 - 1) + "\""
        let error = Self.error(text)
        #expect(error?.code == "invalid-argument")
        #expect(error?.message.contains("larger than 65536 bytes") == true)
    }

    @Test(arguments: [
        "", " ", "nope", "nul", "tru", "{", "[1", "[1,]", #"{"a":1,}"#, "{,}", "[,1]", "1 2", "01", "-", "1.", ".5",
        "+1", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity", "'a'", #"{a: 1}"#, #"{"a" 1}"#, #"{"a":}"#,
        #"{1: 2}"#, "/*c*/1", "1 // c", #""\ud800""#, #""\udc00x""#, #""\u12""#, #""\x41""#, "\"a\u{1}b\"",
        "\"tab\there\"", "\"unterminated", "[1]]", "\u{feff}1",
    ])
    func rejectsMalformedJSON(_ text: String) {
        let error = Self.error(text)
        #expect(error?.code == "invalid-argument", "accepted \(text.debugDescription)")
    }

    @Test func rejectsDuplicateKeys() {
        for text in [#"{"a": 1, "a": 2}"#, #"{"a": 1, "b": 0, "a": 1}"#, #"{"x": {"a": 1, "\u0061": 2}}"#] {
            let error = Self.error(text)
            #expect(error?.code == "invalid-argument", "\(text)")
            #expect(error?.message.contains("duplicate") == true, "\(text)")
        }
    }

    @Test func errorsQuoteTheInputBriefly() {
        let text = "[" + String(repeating: "1,", count: 200) + "x]"
        let message = Self.error(text)?.message ?? ""
        #expect(message.utf8.count < 300)
    }
}

@Suite struct CBORToJSONTests {
    private static func render(_ value: CBORValue) -> String {
        JSONValue(cbor: value).rendered
    }

    @Test func scalars() {
        #expect(Self.render(.unsigned(0)) == "0")
        #expect(Self.render(.unsigned(.max)) == "18446744073709551615")
        #expect(Self.render(.int(-42)) == "-42")
        #expect(Self.render(.int(.min)) == "-9223372036854775808")
        #expect(Self.render(.bool(true)) == "true")
        #expect(Self.render(.bool(false)) == "false")
        #expect(Self.render(.null) == "null")
        #expect(Self.render(.undefined) == "null")
        #expect(Self.render(.float(4.5)) == "4.5")
        #expect(Self.render(.float(-0.0015)) == "-0.0015")
    }

    @Test func floatsRenderAsFloats() {
        // A float that holds an integer keeps its point, so the JSON says what the CBOR said.
        #expect(Self.render(.float(4.0)) == "4.0")
        #expect(Self.render(.float(-0.0)) == "-0.0")
        for value in [1e300, Double.leastNonzeroMagnitude, 1.7976931348623157e308, 123456.789] {
            let text = Self.render(.float(value))
            #expect(Double(text) == value, "\(text)")
        }
    }

    @Test func nonFiniteFloatsBecomeStrings() {
        #expect(Self.render(.float(.infinity)) == #""inf""#)
        #expect(Self.render(.float(-.infinity)) == #""-inf""#)
        #expect(Self.render(.float(.nan)) == #""nan""#)
    }

    @Test func negativeIntegersBeyond64BitsShowTheirEncoding() {
        let value = CBORValue.negative(.max)  // -2^64
        #expect(Self.render(value) == #"{"$cbor":"3bffffffffffffffff"}"#)
    }

    @Test func byteStrings() {
        #expect(Self.render(.bytes([0x00, 0xab, 0xff])) == #"{"$hex":"00abff"}"#)
        #expect(Self.render(.bytes([])) == #"{"$hex":""}"#)
    }

    @Test func tags() {
        #expect(Self.render(.tagged(1, .unsigned(1_700_000_000))) == #"{"$tag":1,"value":1700000000}"#)
        #expect(Self.render(.tagged(18, .array([.bytes([0xa1]), .map([])])))
            == #"{"$tag":18,"value":[{"$hex":"a1"},{}]}"#)
    }

    @Test func simpleValues() {
        #expect(Self.render(.simple(16)) == #"{"$simple":16}"#)
        #expect(Self.render(.simple(255)) == #"{"$simple":255}"#)
    }

    @Test func mapsWithNonTextKeys() {
        let value = CBORValue.map([
            CBORMapEntry(.unsigned(1), .text("one")),
            CBORMapEntry(.int(-1), .bytes([1])),
            CBORMapEntry(.text("t"), .array([])),
        ])
        #expect(Self.render(value) == #"{"$cbor:01":"one","$cbor:20":{"$hex":"01"},"t":[]}"#)
    }

    @Test func objectKeysAreSorted() {
        let value = CBORValue.map([
            CBORMapEntry(.text("b"), .unsigned(2)),
            CBORMapEntry(.text("a"), .unsigned(1)),
            CBORMapEntry(.text("aa"), .map([CBORMapEntry(.text("z"), .null), CBORMapEntry(.text("y"), .null)])),
        ])
        #expect(Self.render(value) == #"{"a":1,"aa":{"y":null,"z":null},"b":2}"#)
    }

    @Test func renderingEscapes() throws {
        let text = "q\" b\\ n\n r\r t\t nul\u{0} one\u{1} us\u{1f} del\u{7f} é 😀 / \u{2028}"
        let rendered = JSONValue.string(text).rendered
        #expect(rendered == #""q\" b\\ n\n r\r t\t nul\u0000 one\u0001 us\u001f del"# + "\u{7f} é 😀 / \u{2028}\"")
        // Whatever it escapes, a standard JSON parser reads back the same string.
        let parsed = try JSONSerialization.jsonObject(with: Data(rendered.utf8), options: .fragmentsAllowed)
        #expect(parsed as? String == text)
        // Keys are escaped the same way.
        let object = JSONValue.object(["k\"\n": .string("v")]).rendered
        #expect(object == #"{"k\"\n":"v"}"#)
    }

    @Test func jsonRoundTripsThroughCBOR() throws {
        for text in [
            #"{"temp":4.5,"door":"closed","n":-3,"ok":true,"list":[1,2.5,null],"nested":{"x":{}}}"#,
            "4.0", "-0.0", "0", "18446744073709551615", "-9223372036854775808", #""é\n""#, "[]", "1.0e-7",
        ] {
            let value = try JSONValue.parse(text)
            let back = JSONValue(cbor: try value.cbor())
            #expect(back == value, "\(text)")
            // And the rendering is itself JSON that parses to the same value.
            #expect(try JSONValue.parse(back.rendered) == value, "\(text)")
        }
    }
}
