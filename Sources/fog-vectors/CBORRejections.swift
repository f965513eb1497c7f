import FogCore
import FogTestKit

/// Hand-built rejections (at least one per `CBORError.Code`), limit boundaries, and schema errors.
enum CBORRejections {
    typealias Example = CBORVectors.Example

    static func no(_ name: String, _ hex: String, _ code: CBORError.Code, at offset: Int, limits: CBORVectorLimits? = nil) -> Example {
        Example(vector: .rejected(name: name, hex: hex, limits: limits, code, at: offset), value: nil)
    }

    static func ok(_ name: String, _ hex: String, limits: CBORVectorLimits? = nil) -> Example {
        Example(vector: .accepted(name: name, hex: hex, limits: limits), value: nil)
    }

    static func repeated(_ hex: String, _ count: Int) -> String {
        String(repeating: hex, count: count)
    }

    static let vectors: [Example] = truncated + trailing + integers + floats + indefinite + reserved + simple + utf8
        + mapKeys + limits + CBORSampleVectors.vectors

    static let truncated: [Example] = [
        no("empty input", "", .truncated, at: 0),
        no("uint8 argument missing", "18", .truncated, at: 1),
        no("uint16 argument cut short", "1901", .truncated, at: 2),
        no("uint64 argument cut short", "1b00000001000000", .truncated, at: 8),
        no("byte string shorter than its length", "44010203", .truncated, at: 4),
        no("text string shorter than its length", "6261", .truncated, at: 2),
        no("array missing its item", "8201", .truncated, at: 2),
        no("nested array missing its item", "8181", .truncated, at: 2),
        no("map missing a value", "a101", .truncated, at: 2),
        no("map of 2 entries with 3 bytes left", "a2010203", .truncated, at: 4),
        no("tag without its item", "c1", .truncated, at: 1),
        no("two-byte simple value cut short", "f8", .truncated, at: 1),
        no("half float cut short", "f97c", .truncated, at: 2),
        no("double cut short", "fb3ff19999", .truncated, at: 5),
    ]

    static let trailing: [Example] = [
        no("two top-level items", "0000", .trailingBytes, at: 1),
        no("empty array then a break byte", "80ff", .trailingBytes, at: 1),
        no("map then a byte", "a10102f6", .trailingBytes, at: 3),
    ]

    static let integers: [Example] = [
        no("0 in a uint8 argument", "1800", .nonCanonicalInteger, at: 0),
        no("23 in a uint8 argument", "1817", .nonCanonicalInteger, at: 0),
        no("255 in a uint16 argument", "1900ff", .nonCanonicalInteger, at: 0),
        no("65535 in a uint32 argument", "1a0000ffff", .nonCanonicalInteger, at: 0),
        no("4294967295 in a uint64 argument", "1b00000000ffffffff", .nonCanonicalInteger, at: 0),
        no("-1 in a uint8 argument", "3800", .nonCanonicalInteger, at: 0),
        no("-257 in a uint32 argument", "3a00000100", .nonCanonicalInteger, at: 0),
        no("byte string length 1 in a uint8 argument", "580100", .nonCanonicalInteger, at: 0),
        no("text string length 0 in a uint16 argument", "790000", .nonCanonicalInteger, at: 0),
        no("array length 0 in a uint8 argument", "9800", .nonCanonicalInteger, at: 0),
        no("map length 0 in a uint32 argument", "ba00000000", .nonCanonicalInteger, at: 0),
        no("tag 1 in a uint8 argument", "d80100", .nonCanonicalInteger, at: 0),
        no("non-shortest integer inside an array", "82001800", .nonCanonicalInteger, at: 2),
        ok("24, the first uint8 argument", "1818"),
        ok("4294967296, the first uint64 argument", "1b0000000100000000"),
    ]

    static let floats: [Example] = [
        no("1.0 as a single", "fa3f800000", .nonCanonicalFloat, at: 0),
        no("1.0 as a double", "fb3ff0000000000000", .nonCanonicalFloat, at: 0),
        no("0.0 as a single", "fa00000000", .nonCanonicalFloat, at: 0),
        no("-0.0 as a double", "fb8000000000000000", .nonCanonicalFloat, at: 0),
        no("65504.0 as a single", "fa477fe000", .nonCanonicalFloat, at: 0),
        no("2^-24 (smallest half subnormal) as a single", "fa33800000", .nonCanonicalFloat, at: 0),
        no("100000.0 (exact in single) as a double", "fb40f86a0000000000", .nonCanonicalFloat, at: 0),
        no("largest single as a double", "fb47efffffe0000000", .nonCanonicalFloat, at: 0),
        no("smallest single subnormal as a double", "fb36a0000000000000", .nonCanonicalFloat, at: 0),
        no("half NaN with a payload", "f97e01", .nonCanonicalFloat, at: 0),
        no("half signalling NaN", "f97c01", .nonCanonicalFloat, at: 0),
        no("half NaN with the sign bit set", "f9fe00", .nonCanonicalFloat, at: 0),
        no("single NaN with a payload", "fa7f800001", .nonCanonicalFloat, at: 0),
        no("double NaN with a payload", "fb7ff0000000000001", .nonCanonicalFloat, at: 0),
        no("non-shortest float inside a map value", "a101fa3fc00000", .nonCanonicalFloat, at: 2),
        ok("65520.0 needs a single", "fa477ff000"),
        ok("2^-25 needs a single", "fa33000000"),
        ok("1 + 2^-11 needs a single", "fa3f801000"),
        ok("2^-149 (smallest single subnormal) is a single", "fa00000001"),
        ok("2^128 needs a double", "fb47f0000000000000"),
        ok("2^-150 needs a double", "fb3690000000000000"),
        ok("smallest double subnormal", "fb0000000000000001"),
    ]

    static let indefinite: [Example] = [
        no("indefinite-length byte string", "5f4100ff", .indefiniteLength, at: 0),
        no("indefinite-length text string", "7fff", .indefiniteLength, at: 0),
        no("indefinite-length array", "9f01ff", .indefiniteLength, at: 0),
        no("indefinite-length map", "bfff", .indefiniteLength, at: 0),
        no("stray break at top level", "ff", .indefiniteLength, at: 0),
        no("stray break as an array item", "81ff", .indefiniteLength, at: 1),
        no("stray break as a map key", "a1ff00", .indefiniteLength, at: 1),
        no("unsigned integer with additional information 31", "1f", .indefiniteLength, at: 0),
        no("negative integer with additional information 31", "3f", .indefiniteLength, at: 0),
        no("tag with additional information 31", "df00", .indefiniteLength, at: 0),
    ]

    static let reserved: [Example] = [
        no("unsigned integer, additional information 28", "1c", .reservedAdditionalInfo, at: 0),
        no("negative integer, additional information 29", "3d", .reservedAdditionalInfo, at: 0),
        no("byte string, additional information 30", "5e", .reservedAdditionalInfo, at: 0),
        no("text string, additional information 28", "7c", .reservedAdditionalInfo, at: 0),
        no("array, additional information 29", "9d", .reservedAdditionalInfo, at: 0),
        no("map, additional information 30", "be", .reservedAdditionalInfo, at: 0),
        no("tag, additional information 28", "dc00", .reservedAdditionalInfo, at: 0),
        no("major type 7, additional information 28", "fc", .reservedAdditionalInfo, at: 0),
        no("major type 7, additional information 30", "fe", .reservedAdditionalInfo, at: 0),
        no("reserved byte inside an array", "82001d", .reservedAdditionalInfo, at: 2),
    ]

    static let simple: [Example] = [
        no("simple(0) in two bytes", "f800", .invalidSimpleValue, at: 0),
        no("false in two bytes", "f814", .invalidSimpleValue, at: 0),
        no("simple(24), RFC 7049's example, not well-formed in RFC 8949", "f818", .invalidSimpleValue, at: 0),
        no("simple(31) in two bytes", "f81f", .invalidSimpleValue, at: 0),
        no("two-byte simple value below 32 inside an array", "81f81f", .invalidSimpleValue, at: 1),
        ok("simple(19), the last one-byte unassigned value", "f3"),
        ok("simple(32), the first two-byte value", "f820"),
    ]

    static let utf8: [Example] = [
        no("lone continuation byte", "6180", .invalidUTF8, at: 0),
        no("byte 0xff", "61ff", .invalidUTF8, at: 0),
        no("overlong encoding of NUL", "62c080", .invalidUTF8, at: 0),
        no("overlong three-byte encoding of '/'", "63e080af", .invalidUTF8, at: 0),
        no("UTF-16 surrogate U+D800", "63eda080", .invalidUTF8, at: 0),
        no("code point above U+10FFFF", "64f4908080", .invalidUTF8, at: 0),
        no("four-byte sequence cut short", "63f09f98", .invalidUTF8, at: 0),
        no("lead byte followed by ASCII", "62c328", .invalidUTF8, at: 0),
        no("invalid text as a map key", "a16180f6", .invalidUTF8, at: 1),
        ok("U+10FFFF, the last code point", "64f48fbfbf"),
        ok("U+FFFF, a noncharacter, is valid UTF-8", "63efbfbf"),
        ok("NUL is valid text", "6100"),
    ]

    static let mapKeys: [Example] = [
        no("integer key repeated", "a201000100", .duplicateMapKey, at: 3),
        no("text key repeated", "a2616100616101", .duplicateMapKey, at: 4),
        no("third key repeats the second", "a3010002000200", .duplicateMapKey, at: 5),
        no("keys in descending order", "a202000100", .unsortedMapKeys, at: 3),
        no("\"b\" before \"a\"", "a2616200616100", .unsortedMapKeys, at: 4),
        no("length-first order (RFC 7049 canonical), not bytewise: -1 before 100", "a22000186400",
           .unsortedMapKeys, at: 3),
        no("\"aa\" before \"b\": the shorter string's head sorts first", "a262616100616200", .unsortedMapKeys, at: 5),
        no("unsorted keys in a nested map", "81a202000100", .unsortedMapKeys, at: 4),
        ok("bytewise order: 100 (0x1864) before -1 (0x20)", "a21864002000"),
        ok("bytewise order: \"b\" before \"aa\"", "a261620062616100"),
        ok("0.0 and -0.0 are distinct keys", "a2f9000001f9800002"),
    ]

    static let small = CBORVectorLimits(maxInputBytes: 16, maxDepth: 3, maxCollectionCount: 4, maxStringBytes: 5)
    static let huge = CBORVectorLimits(maxInputBytes: 64, maxDepth: 32, maxCollectionCount: .max, maxStringBytes: .max)

    static let limits: [Example] = [
        ok("input exactly at maxInputBytes (16)", "4f" + repeated("00", 15), limits: small.with(maxStringBytes: 15)),
        no("input one over maxInputBytes (16)", "50" + repeated("00", 16), .inputTooLarge, at: 16,
           limits: small.with(maxStringBytes: 16)),
        no("input over maxInputBytes is refused before it is read", repeated("ff", 17), .inputTooLarge, at: 16, limits: small),
        ok("nesting exactly at maxDepth (3)", "818180", limits: small),
        no("nesting one over maxDepth (3)", "81818180", .depthLimitExceeded, at: 3, limits: small),
        no("a scalar nested one past maxDepth (2)", "818100", .depthLimitExceeded, at: 2, limits: small.with(maxDepth: 2)),
        ok("tags count as nesting: exactly at maxDepth (3)", "c1c100", limits: small),
        no("tags count as nesting: one over maxDepth (3)", "c1c1c100", .depthLimitExceeded, at: 3, limits: small),
        ok("map values nest: exactly at maxDepth (3)", "a100a10080", limits: small),
        no("map values nest: one over maxDepth (3)", "a100a1008100", .depthLimitExceeded, at: 5, limits: small),
        ok("nesting at the default maxDepth (32)", repeated("81", 31) + "80"),
        no("nesting one over the default maxDepth (32)", repeated("81", 32) + "80", .depthLimitExceeded, at: 32),
        ok("array exactly at maxCollectionCount (4)", "8400000000", limits: small),
        no("array one over maxCollectionCount (4)", "850000000000", .lengthLimitExceeded, at: 0, limits: small),
        ok("map exactly at maxCollectionCount (4)", "a40000010002000300", limits: small),
        no("map one over maxCollectionCount (4)", "a500000100020003000400", .lengthLimitExceeded, at: 0,
           limits: small),
        ok("byte string exactly at maxStringBytes (5)", "450102030405", limits: small),
        no("byte string one over maxStringBytes (5)", "46010203040506", .lengthLimitExceeded, at: 0, limits: small),
        ok("text string exactly at maxStringBytes (5)", "656162636465", limits: small),
        no("text string one over maxStringBytes (5)", "66616263646566", .lengthLimitExceeded, at: 0, limits: small),
        no("nested string over the limit", "8245010203040546010203040506", .lengthLimitExceeded, at: 7,
           limits: small.with(maxInputBytes: 32)),
        no("string longer than the default maxStringBytes (1 MiB) is refused before truncation",
           "5a00100001", .lengthLimitExceeded, at: 0),
        no("string exactly at the default maxStringBytes but truncated", "5a00100000", .truncated, at: 5),
        no("array longer than the default maxCollectionCount (65536)", "9a00010001", .lengthLimitExceeded, at: 0),
        no("array exactly at the default maxCollectionCount but truncated", "9a00010000", .truncated, at: 5),
        no("array of 2^64-1 items", "9bffffffffffffffff", .lengthLimitExceeded, at: 0),
        no("byte string of 2^64-1 bytes", "5bffffffffffffffff", .lengthLimitExceeded, at: 0),
        no("unbounded limits: string of 2^63-1 bytes runs past the input", "5b7fffffffffffffff00", .truncated, at: 10,
           limits: huge),
        no("unbounded limits: array of 2^63-1 items runs past the input", "9b7fffffffffffffff00", .truncated, at: 10,
           limits: huge),
        no("unbounded limits: map of 2^62 entries runs past the input", "bb4000000000000000", .truncated, at: 9,
           limits: huge),
        no("unbounded limits: map of 2^63-1 entries runs past the input", "bb7fffffffffffffff", .truncated, at: 9,
           limits: huge),
        no("unbounded limits: array of 2^64-1 items exceeds Int.max", "9bffffffffffffffff", .lengthLimitExceeded, at: 0,
           limits: huge),
    ]
}

extension CBORVectorLimits {
    func with(maxInputBytes: Int? = nil, maxDepth: Int? = nil, maxStringBytes: Int? = nil) -> CBORVectorLimits {
        CBORVectorLimits(maxInputBytes: maxInputBytes ?? self.maxInputBytes, maxDepth: maxDepth ?? self.maxDepth,
                         maxCollectionCount: maxCollectionCount, maxStringBytes: maxStringBytes ?? self.maxStringBytes)
    }
}
