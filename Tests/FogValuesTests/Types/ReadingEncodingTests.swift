import FogCore
import FogCrypto
import FogTypes
import Testing

/// `Reading.encoded` writes the fields directly; it must give exactly the generic encoding of the
/// reading's CBOR value, which every signature and readings root is over.
@Suite struct ReadingEncodingTests {
    static let contents: [ReadingContent] = [
        .inline(.float(21.5)),
        .inline(.map([CBORMapEntry(.text("t"), .float(4.5)), CBORMapEntry(.text("rh"), .unsigned(61))])),
        .inline(.array([.int(-1), .bytes([1, 2, 3]), .null])),
        .payload(hash: Fixtures.hashA, mediaType: "application/cbor"),
    ]

    @Test(arguments: contents)
    func directEncodingIsTheGenericOne(_ content: ReadingContent) throws {
        let device = Fixtures.signer(.ed25519).publicKey.address
        for sequence: UInt64 in [1, 23, 24, 70_000, .max] {
            let reading = try Fixtures.reading(device: device, seq: sequence, content: content)
            #expect(reading.encoded == reading.cborValue.encoded)
            #expect(try Reading.decode(reading.encoded) == reading)
        }
    }
}
