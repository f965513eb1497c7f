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

    @Test(arguments: contents)
    func directEncodingIsTheGenericOneForAttestedReadings(_ content: ReadingContent) throws {
        let device = Fixtures.signer(.ed25519).publicKey.address
        let gateway = Fixtures.signer(.p256).publicKey.address
        let reading = try Fixtures.reading(device: device, seq: 7, content: content)
        let attested = try Reading(chainID: reading.chainID, device: device, sequence: 7, timeMillis: reading.timeMillis,
                                   content: content, attestingGateway: gateway)
        #expect(attested.encoded == attested.cborValue.encoded)
        #expect(try Reading.decode(attested.encoded) == attested)
    }
}
