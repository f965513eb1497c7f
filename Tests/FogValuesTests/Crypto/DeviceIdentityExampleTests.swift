import FogCore
import FogCrypto
import FogTypes
import Testing

/// The worked example of spec/device-identity.md §7: a reading made in Python with cbor2 and
/// cryptography from the specification alone. FogLedger must accept exactly these bytes.
@Suite struct DeviceIdentityExampleTests {
    static let seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
    static let coseKey = "a301012006215820d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    static let address = "866eefbd6718c8846cd7ddfe43fc74ab1daac453"
    static let payload = "a600010171666f676c65646765722d766563746f72730254866eefbd6718c8846cd7ddfe43fc74ab1daac453"
        + "0301041b0000019b76daaddc05f94d60"
    static let toBeSigned = "846a5369676e61747572653143a1012740583c" + payload
    static let coseSign1 = "d28443a10127a0583c" + payload + "5840"
        + "4ffa55e0e32fa415f7e6e0b1631d53c4e2e0f95b97b7d338098511d226b9ac2c"
        + "0ef354747a19292f17fbeef122674eb2b7349ff0e8fec03b8c1fbf4c23306007"

    @Test func ed25519ExampleIsAcceptedAndMatchesFogLedgersOwnEncoding() throws {
        let key = try PrivateKey(algorithm: .ed25519, seed: Hex.decode(Self.seed)!)
        #expect(Hex.encode(COSEKey.encode(key.publicKey)) == Self.coseKey)
        #expect(key.publicKey.address.hex == Self.address)

        let signed = try Signed<Reading>(decoding: Hex.decode(Self.coseSign1)!, chain: ChainID("fogledger-vectors"))
        try signed.verify(with: COSEKey.decode(Hex.decode(Self.coseKey)!))
        #expect(Hex.encode(signed.envelope.payload) == Self.payload)
        #expect(Hex.encode(COSESign1.toBeSigned(protectedHeader: signed.envelope.protectedHeader, payload: signed.envelope.payload))
                == Self.toBeSigned)

        // FogLedger builds the same reading and the same bytes to sign.
        let reading = try Reading(chainID: ChainID("fogledger-vectors"), device: key.publicKey.address, sequence: 1,
                                  timeMillis: 1_767_225_601_500, content: .inline(.float(21.5)))
        #expect(signed.object == reading)
        #expect(Hex.encode(reading.encoded) == Self.payload)
        let ours = try Signed.sign(reading, with: key)
        #expect(Array(ours.bytes.prefix(9)) == Hex.decode("d28443a10127a0583c")!)
        try ours.verify(with: key.publicKey)
    }

    /// The same reading by a P-256 device (seed 01 02 … 20), signed in Python: ECDSA's DER signature
    /// converted to raw r ‖ s.
    @Test func p256ExampleIsAccepted() throws {
        let coseKey = "a401022001215820515c3d6eb9e396b904d3feca7f54fdcd0cc1e997bf375dca515ad0a6c3b4035f2258204536be3a50f318fbf9a5475902a221502bef0d57e08c53b2cc0a56f17d9f9354"
        let envelope = "d28443a10126a0583ca600010171666f676c65646765722d766563746f727302544ed61fd7fdb953dac781943391580a68a82e422e0301041b0000019b76daaddc05f94d60584089636bbfe0b5561401378d39674845d92058343118aaaa986c43737b56da52d7f04b2ffa3f3bbbe2497617ceea689db08a46da85e1fc512aa64285a1373dcc9f"
        let key = try COSEKey.decode(Hex.decode(coseKey)!)
        #expect(key == (try PrivateKey(algorithm: .p256, seed: Hex.decode("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20")!)).publicKey)
        let signed = try Signed<Reading>(decoding: Hex.decode(envelope)!, chain: ChainID("fogledger-vectors"))
        try signed.verify(with: key)
        #expect(signed.object.device == key.address)
    }
}
