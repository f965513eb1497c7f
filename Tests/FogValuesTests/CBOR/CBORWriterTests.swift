import FogCore
import FogTestKit
import Testing

/// The writer's streaming calls and its whole-value `write(_:)` agree, and it refuses values it
/// cannot encode deterministically.
@Suite struct CBORWriterTests {
    @Test func streamingCallsMatchWholeValues() {
        var writer = CBORWriter()
        writer.writeArrayHeader(count: 8)
        writer.writeUnsigned(24)
        writer.writeInt(-25)
        writer.writeInt(.min)
        writer.writeBytes([0xde, 0xad])
        writer.writeText("ü")
        writer.writeMapHeader(count: 1)
        writer.writeEncoded(CBORValue.int(-1).encoded)
        writer.writeTag(1)
        writer.writeFloat(1.5)
        writer.writeBool(true)
        writer.writeNull()
        let whole = CBORValue.array([
            .unsigned(24), .int(-25), .int(.min), .bytes([0xde, 0xad]), .text("ü"),
            .map([CBORMapEntry(.int(-1), .tagged(1, .float(1.5)))]), .bool(true), .null,
        ])
        #expect(writer.bytes == whole.encoded)
        #expect(Hex.encode(writer.bytes) == "88181838183b7fffffffffffffff42dead62c3bca120c1f93e00f5f6")
    }

    @Test func simpleValuesWithOneAndTwoByteForms() throws {
        #expect(CBORValue.simple(0).encoded == [0xe0])
        #expect(CBORValue.simple(19).encoded == [0xf3])
        #expect(CBORValue.simple(32).encoded == [0xf8, 0x20])
        #expect(CBORValue.simple(255).encoded == [0xf8, 0xff])
        #expect(CBORValue.undefined.encoded == [0xf7])
    }

    /// Simple values 20–23 are false, true, null and undefined, which have their own cases; 24–31 have
    /// no well-formed encoding (RFC 8949 §3.3). Writing them is a programming error.
    @Test func simpleValuesWithoutTheirOwnEncodingAreRefused() async {
        await #expect(processExitsWith: .failure) { _ = CBORValue.simple(20).encoded }
        await #expect(processExitsWith: .failure) { _ = CBORValue.simple(24).encoded }
        await #expect(processExitsWith: .failure) { _ = CBORValue.array([.simple(31)]).encoded }
    }

    @Test func duplicateMapKeysAreRefused() async {
        await #expect(processExitsWith: .failure) {
            _ = CBORValue.map([CBORMapEntry(.unsigned(1), .null), CBORMapEntry(.unsigned(1), .null)]).encoded
        }
        // Keys equal under == but distinct in encoding are distinct keys.
        let zeros = CBORValue.map([CBORMapEntry(.float(-0.0), .null), CBORMapEntry(.float(0.0), .null)])
        #expect(Hex.encode(zeros.encoded) == "a2f90000f6f98000f6")
    }
}
