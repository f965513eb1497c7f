import FogCore
import FogTestKit

/// RFC 8949 Appendix A, Table 6, row by row.
enum CBORAppendixA {
    typealias Example = CBORVectors.Example

    static func ok(_ diagnostic: String, _ hex: String, _ value: CBORValue) -> Example {
        Example(vector: .accepted(diagnostic: diagnostic, hex: hex), value: value)
    }

    static func no(_ diagnostic: String, _ hex: String, _ code: CBORError.Code, at offset: Int) -> Example {
        Example(vector: .rejected(diagnostic: diagnostic, hex: hex, code, at: offset), value: nil)
    }

    static func ints(_ range: ClosedRange<UInt64>) -> CBORValue {
        .array(range.map { .unsigned($0) })
    }

    static func text(_ pairs: KeyValuePairs<String, CBORValue>) -> CBORValue {
        .map(pairs.map { CBORMapEntry(.text($0.key), $0.value) })
    }

    static let bignum: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 0, 0]

    static let examples: [Example] = [
        ok("0", "00", .unsigned(0)),
        ok("1", "01", .unsigned(1)),
        ok("10", "0a", .unsigned(10)),
        ok("23", "17", .unsigned(23)),
        ok("24", "1818", .unsigned(24)),
        ok("25", "1819", .unsigned(25)),
        ok("100", "1864", .unsigned(100)),
        ok("1000", "1903e8", .unsigned(1000)),
        ok("1000000", "1a000f4240", .unsigned(1_000_000)),
        ok("1000000000000", "1b000000e8d4a51000", .unsigned(1_000_000_000_000)),
        ok("18446744073709551615", "1bffffffffffffffff", .unsigned(.max)),
        ok("18446744073709551616", "c249010000000000000000", .tagged(2, .bytes(bignum))),
        ok("-18446744073709551616", "3bffffffffffffffff", .negative(.max)),
        ok("-18446744073709551617", "c349010000000000000000", .tagged(3, .bytes(bignum))),
        ok("-1", "20", .int(-1)),
        ok("-10", "29", .int(-10)),
        ok("-100", "3863", .int(-100)),
        ok("-1000", "3903e7", .int(-1000)),
        ok("0.0", "f90000", .float(0.0)),
        ok("-0.0", "f98000", .float(-0.0)),
        ok("1.0", "f93c00", .float(1.0)),
        ok("1.1", "fb3ff199999999999a", .float(1.1)),
        ok("1.5", "f93e00", .float(1.5)),
        ok("65504.0", "f97bff", .float(65504.0)),
        ok("100000.0", "fa47c35000", .float(100_000.0)),
        ok("3.4028234663852886e+38", "fa7f7fffff", .float(3.4028234663852886e+38)),
        ok("1.0e+300", "fb7e37e43c8800759c", .float(1.0e+300)),
        ok("5.960464477539063e-8", "f90001", .float(5.960464477539063e-8)),
        ok("0.00006103515625", "f90400", .float(0.00006103515625)),
        ok("-4.0", "f9c400", .float(-4.0)),
        ok("-4.1", "fbc010666666666666", .float(-4.1)),
        ok("Infinity", "f97c00", .float(.infinity)),
        ok("NaN", "f97e00", .float(.nan)),
        ok("-Infinity", "f9fc00", .float(-.infinity)),
        no("Infinity", "fa7f800000", .nonCanonicalFloat, at: 0),
        no("NaN", "fa7fc00000", .nonCanonicalFloat, at: 0),
        no("-Infinity", "faff800000", .nonCanonicalFloat, at: 0),
        no("Infinity", "fb7ff0000000000000", .nonCanonicalFloat, at: 0),
        no("NaN", "fb7ff8000000000000", .nonCanonicalFloat, at: 0),
        no("-Infinity", "fbfff0000000000000", .nonCanonicalFloat, at: 0),
        ok("false", "f4", .bool(false)),
        ok("true", "f5", .bool(true)),
        ok("null", "f6", .null),
        ok("undefined", "f7", .undefined),
        ok("simple(16)", "f0", .simple(16)),
        ok("simple(255)", "f8ff", .simple(255)),
        ok(#"0("2013-03-21T20:04:00Z")"#, "c074323031332d30332d32315432303a30343a30305a",
           .tagged(0, .text("2013-03-21T20:04:00Z"))),
        ok("1(1363896240)", "c11a514b67b0", .tagged(1, .unsigned(1_363_896_240))),
        ok("1(1363896240.5)", "c1fb41d452d9ec200000", .tagged(1, .float(1_363_896_240.5))),
        ok("23(h'01020304')", "d74401020304", .tagged(23, .bytes([1, 2, 3, 4]))),
        ok("24(h'6449455446')", "d818456449455446", .tagged(24, .bytes([0x64, 0x49, 0x45, 0x54, 0x46]))),
        ok(#"32("http://www.example.com")"#, "d82076687474703a2f2f7777772e6578616d706c652e636f6d",
           .tagged(32, .text("http://www.example.com"))),
        ok("h''", "40", .bytes([])),
        ok("h'01020304'", "4401020304", .bytes([1, 2, 3, 4])),
        ok(#""""#, "60", .text("")),
        ok(#""a""#, "6161", .text("a")),
        ok(#""IETF""#, "6449455446", .text("IETF")),
        ok(#""\"\\""#, "62225c", .text(#""\"#)),
        ok(#""\u00fc""#, "62c3bc", .text("\u{fc}")),
        ok(#""\u6c34""#, "63e6b0b4", .text("\u{6c34}")),
        ok(#""\ud800\udd51""#, "64f0908591", .text("\u{10151}")),
        ok("[]", "80", .array([])),
        ok("[1, 2, 3]", "83010203", ints(1...3)),
        ok("[1, [2, 3], [4, 5]]", "8301820203820405", .array([.unsigned(1), ints(2...3), ints(4...5)])),
        ok("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]",
           "98190102030405060708090a0b0c0d0e0f101112131415161718181819", ints(1...25)),
        ok("{}", "a0", .map([])),
        ok("{1: 2, 3: 4}", "a201020304",
           .map([CBORMapEntry(.unsigned(1), .unsigned(2)), CBORMapEntry(.unsigned(3), .unsigned(4))])),
        ok(#"{"a": 1, "b": [2, 3]}"#, "a26161016162820203", text(["a": .unsigned(1), "b": ints(2...3)])),
        ok(#"["a", {"b": "c"}]"#, "826161a161626163", .array([.text("a"), text(["b": .text("c")])])),
        ok(#"{"a": "A", "b": "B", "c": "C", "d": "D", "e": "E"}"#, "a56161614161626142616361436164614461656145",
           text(["a": .text("A"), "b": .text("B"), "c": .text("C"), "d": .text("D"), "e": .text("E")])),
        no("(_ h'0102', h'030405')", "5f42010243030405ff", .indefiniteLength, at: 0),
        no(#"(_ "strea", "ming")"#, "7f657374726561646d696e67ff", .indefiniteLength, at: 0),
        no("[_ ]", "9fff", .indefiniteLength, at: 0),
        no("[_ 1, [2, 3], [_ 4, 5]]", "9f018202039f0405ffff", .indefiniteLength, at: 0),
        no("[_ 1, [2, 3], [4, 5]]", "9f01820203820405ff", .indefiniteLength, at: 0),
        no("[1, [2, 3], [_ 4, 5]]", "83018202039f0405ff", .indefiniteLength, at: 5),
        no("[1, [_ 2, 3], [4, 5]]", "83019f0203ff820405", .indefiniteLength, at: 2),
        no("[_ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]",
           "9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff", .indefiniteLength, at: 0),
        no(#"{_ "a": 1, "b": [_ 2, 3]}"#, "bf61610161629f0203ffff", .indefiniteLength, at: 0),
        no(#"["a", {_ "b": "c"}]"#, "826161bf61626163ff", .indefiniteLength, at: 3),
        no(#"{_ "Fun": true, "Amt": -2}"#, "bf6346756ef563416d7421ff", .indefiniteLength, at: 0),
    ]
}
