import FogCore
import FogTestKit

/// Objects read with the `sample` `CBORFields` schema (see `CBORSample`): one per kind of schema error.
enum CBORSampleVectors {
    typealias Example = CBORVectors.Example

    /// The valid sample `{1: 7, 2: h'01020304', 3: "abc", 4: [], 5: -3}` with `changes` applied
    /// (a `nil` value removes the field).
    static func sample(_ changes: [(key: CBORValue, value: CBORValue?)] = []) -> String {
        var entries: [CBORMapEntry] = [
            CBORMapEntry(.unsigned(1), .unsigned(7)),
            CBORMapEntry(.unsigned(2), .bytes([1, 2, 3, 4])),
            CBORMapEntry(.unsigned(3), .text("abc")),
            CBORMapEntry(.unsigned(4), .array([])),
            CBORMapEntry(.unsigned(5), .int(-3)),
        ]
        for change in changes {
            entries.removeAll { $0.key == change.key }
            if let value = change.value { entries.append(CBORMapEntry(change.key, value)) }
        }
        return Hex.encode(CBORValue.map(entries).encoded)
    }

    static func ok(_ name: String, _ hex: String) -> Example {
        Example(vector: .accepted(name: name, hex: hex, schema: CBORSample.schemaName), value: nil)
    }

    static func no(_ name: String, _ hex: String, _ detail: String) -> Example {
        Example(vector: .rejected(name: name, hex: hex, schema: CBORSample.schemaName, .schemaViolation, at: nil,
                                  detail: detail), value: nil)
    }

    static func field(_ key: UInt64, _ value: CBORValue?) -> (key: CBORValue, value: CBORValue?) {
        (.unsigned(key), value)
    }

    static let vectors: [Example] = [
        ok("sample: a valid object", sample()),
        ok("sample: extreme integers", sample([field(1, .unsigned(.max)), field(5, .int(.min))])),
        ok("sample: name of exactly 8 bytes, 2 tags", sample([field(3, .text("éééé")), field(4, .array([.null, .null]))])),
        no("sample: not a map", "80", "sample: expected map, found array"),
        no("sample: a text key", Hex.encode(CBORValue.map([CBORMapEntry(.text("seq"), .unsigned(7))]).encoded),
           "sample: expected integer map keys, found text string"),
        no("sample: an integer key beyond 64-bit signed range", sample([(.unsigned(.max), .null)]),
           "sample: expected integer map keys, found integer"),
        no("sample: missing field", sample([field(1, nil)]), "sample.seq: missing (key 1)"),
        no("sample: missing last field", sample([field(5, nil)]), "sample.delta: missing (key 5)"),
        no("sample: text where an unsigned integer belongs", sample([field(1, .text("7"))]),
           "sample.seq: expected unsigned integer, found text string"),
        no("sample: negative where an unsigned integer belongs", sample([field(1, .int(-7))]),
           "sample.seq: expected unsigned integer, found integer"),
        no("sample: byte string too short", sample([field(2, .bytes([1, 2, 3]))]), "sample.id: expected 4 bytes, found 3"),
        no("sample: byte string too long", sample([field(2, .bytes([1, 2, 3, 4, 5]))]),
           "sample.id: expected 4 bytes, found 5"),
        no("sample: text where bytes belong", sample([field(2, .text("abcd"))]),
           "sample.id: expected byte string, found text string"),
        no("sample: empty text", sample([field(3, .text(""))]), "sample.name: text must be 1–8 bytes, found 0"),
        no("sample: text of 9 bytes (5 characters)", sample([field(3, .text("éééé!"))]),
           "sample.name: text must be 1–8 bytes, found 9"),
        no("sample: too many array items", sample([field(4, .array([.null, .null, .null]))]),
           "sample.tags: 3 items exceed the limit of 2"),
        no("sample: map where an array belongs", sample([field(4, .map([]))]), "sample.tags: expected array, found map"),
        no("sample: integer beyond 64-bit signed range", sample([field(5, .unsigned(1 << 63))]),
           "sample.delta: expected 64-bit integer, found integer"),
        no("sample: float where an integer belongs", sample([field(5, .float(-3))]),
           "sample.delta: expected 64-bit integer, found float"),
        no("sample: unknown field", sample([field(6, .null)]), "sample: unknown field 6"),
        no("sample: unknown negative field", sample([(.int(-1), .null)]), "sample: unknown field -1"),
        no("sample: the first problem in field order is reported", sample([field(1, nil), field(5, .null)]),
           "sample.seq: missing (key 1)"),
    ]
}
