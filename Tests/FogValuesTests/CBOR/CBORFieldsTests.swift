import FogCore
import FogTestKit
import Testing

/// `CBORFields`: strict reading of integer-keyed maps. (The `sample` vectors in cbor-rejections.json
/// cover one error of each kind through `CBORSample`; these cover the API directly.)
@Suite struct CBORFieldsTests {
    static let object = CBORValue.map([
        CBORMapEntry(.unsigned(1), .unsigned(7)),
        CBORMapEntry(.unsigned(2), .bytes([1, 2, 3])),
        CBORMapEntry(.unsigned(3), .text("héllo")),
        CBORMapEntry(.unsigned(4), .array([.null, .null])),
        CBORMapEntry(.int(-2), .int(-9)),
    ])

    static func schemaError(_ detail: String) -> CBORError {
        CBORError(.schemaViolation, at: nil, detail)
    }

    @Test func readsEveryFieldOnce() throws {
        var fields = try CBORFields(Self.object, object: "thing")
        #expect(try fields.uint(1, "count") == 7)
        #expect(try fields.bytes(2, "id", length: 3...3) == [1, 2, 3])
        #expect(try fields.text(3, "name", maxBytes: 6) == "héllo")
        #expect(try fields.array(4, "items", maxCount: 2) == [.null, .null])
        #expect(try fields.int(-2, "delta") == -9)
        #expect(fields.optional(9) == nil)
        try fields.finish()
    }

    @Test func aConsumedFieldIsGone() throws {
        var fields = try CBORFields(Self.object, object: "thing")
        #expect(fields.optional(1) == .unsigned(7))
        #expect(fields.optional(1) == nil)
        #expect(throws: Self.schemaError("thing.count: missing (key 1)")) { try fields.uint(1, "count") }
    }

    @Test func missingField() throws {
        var fields = try CBORFields(.map([]), object: "thing")
        #expect(throws: Self.schemaError("thing.count: missing (key 1)")) { try fields.uint(1, "count") }
        #expect(throws: Self.schemaError("thing.raw: missing (key 8)")) { try fields.required(8, "raw") }
    }

    @Test func wrongTypes() throws {
        var fields = try CBORFields(Self.object, object: "thing")
        #expect(throws: Self.schemaError("thing.a: expected byte string, found integer")) {
            try fields.bytes(1, "a", length: 0...9)
        }
        #expect(throws: Self.schemaError("thing.b: expected text string, found byte string")) {
            try fields.text(2, "b", maxBytes: 9)
        }
        #expect(throws: Self.schemaError("thing.c: expected array, found text string")) {
            try fields.array(3, "c", maxCount: 9)
        }
        #expect(throws: Self.schemaError("thing.d: expected unsigned integer, found array")) { try fields.uint(4, "d") }
        #expect(throws: Self.schemaError("thing.e: expected unsigned integer, found integer")) { try fields.uint(-2, "e") }
        #expect(throws: Self.schemaError("x: expected map, found null")) { try CBORFields(.null, object: "x") }
        #expect(throws: Self.schemaError("x: expected integer map keys, found float")) {
            try CBORFields(.map([CBORMapEntry(.float(1), .null)]), object: "x")
        }
    }

    @Test func lengthBounds() throws {
        var fields = try CBORFields(Self.object, object: "thing")
        #expect(throws: Self.schemaError("thing.id: expected 4–8 bytes, found 3")) { try fields.bytes(2, "id", length: 4...8) }
        #expect(throws: Self.schemaError("thing.name: text must be 1–5 bytes, found 6")) {
            try fields.text(3, "name", maxBytes: 5)
        }
        #expect(throws: Self.schemaError("thing.items: 2 items exceed the limit of 1")) {
            try fields.array(4, "items", maxCount: 1)
        }
        #expect(try CBORFields.bytes(.bytes([]), "empty", length: 0...0) == [])
        #expect(throws: Self.schemaError("empty: expected 1 bytes, found 0")) {
            try CBORFields.bytes(.bytes([]), "empty", length: 1...1)
        }
        #expect(throws: Self.schemaError("t: text must be 1–9 bytes, found 0")) { try CBORFields.text(.text(""), "t", maxBytes: 9) }
        #expect(try CBORFields.uint(.unsigned(.max), "n") == .max)
    }

    @Test func unknownFieldsAreRefusedInKeyOrder() throws {
        var fields = try CBORFields(Self.object, object: "thing")
        _ = try fields.uint(1, "count")
        _ = try fields.bytes(2, "id", length: 3...3)
        #expect(throws: Self.schemaError("thing: unknown field 3")) { try fields.finish() }
        _ = fields.optional(3)
        _ = fields.optional(4)
        #expect(throws: Self.schemaError("thing: unknown field -2")) { try fields.finish() }
    }

    @Test func schemaErrorsHaveNoOffset() throws {
        let error = #expect(throws: CBORError.self) { try CBORFields(.null, object: "x") }
        #expect(error?.code == .schemaViolation && error?.offset == nil)
        #expect(error?.description == "CBOR schema-violation: x: expected map, found null")
        #expect(CBORError(.truncated, at: 3, "input ends").description == "CBOR truncated at byte 3: input ends")
    }

    @Test func theSampleSchemaReadsDecodedBytes() throws {
        let bytes = Hex.decode("a501070244010203040363616263048005 22".filter { $0 != " " })!
        let sample = try CBORSample.read(CBORReader.decode(bytes))
        #expect(sample == CBORSample(seq: 7, id: [1, 2, 3, 4], name: "abc", tags: [], delta: -3))
    }
}
