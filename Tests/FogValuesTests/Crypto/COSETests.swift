import FogCore
import FogCrypto
import FogTestKit
import Testing

@Suite struct COSEKeyTests {
    @Test(arguments: SignatureAlgorithm.allCases)
    func roundTrips(_ algorithm: SignatureAlgorithm) throws {
        var rng = SeededGenerator(seed: 11)
        let key = PrivateKey.generate(algorithm, using: &rng).publicKey
        let encoded = COSEKey.encode(key)
        #expect(try COSEKey.decode(encoded) == key)
        #expect(try CBORReader.decode(encoded).encoded == encoded)
    }

    @Test func canonicalEd25519Layout() throws {
        var rng = SeededGenerator(seed: 5)
        let key = PrivateKey.generate(.ed25519, using: &rng).publicKey
        let encoded = COSEKey.encode(key)
        #expect(Array(encoded.prefix(8)) == [0xa3, 0x01, 0x01, 0x20, 0x06, 0x21, 0x58, 0x20])
        #expect(Array(encoded.dropFirst(8)) == key.rawBytes)
    }

    @Test func acceptsMatchingAlgAndKidButNothingElse() throws {
        var rng = SeededGenerator(seed: 5)
        let key = PrivateKey.generate(.ed25519, using: &rng).publicKey
        var entries = COSEKey.value(key).mapEntries!
        entries.append(CBORMapEntry(.int(3), .int(-8)))
        entries.append(CBORMapEntry(.int(2), .bytes([1, 2])))
        #expect(try COSEKey.decode(CBORValue.map(entries).encoded) == key)

        var wrongAlg = COSEKey.value(key).mapEntries!
        wrongAlg.append(CBORMapEntry(.int(3), .int(-7)))
        #expect(throws: CryptoError.self) { try COSEKey.decode(CBORValue.map(wrongAlg).encoded) }

        var extra = COSEKey.value(key).mapEntries!
        extra.append(CBORMapEntry(.int(-4), .bytes([0])))  // a private key must never be accepted here
        #expect(throws: CryptoError.self) { try COSEKey.decode(CBORValue.map(extra).encoded) }
    }

    @Test func rejectsUnsupportedKeyTypesAndCurves() {
        let rsa = CBORValue.map([CBORMapEntry(.int(1), .int(3))]).encoded
        #expect(throws: CryptoError.self) { try COSEKey.decode(rsa) }
        let x448 = CBORValue.map([
            CBORMapEntry(.int(1), .int(1)), CBORMapEntry(.int(-1), .int(7)),
            CBORMapEntry(.int(-2), .bytes([UInt8](repeating: 0, count: 32))),
        ]).encoded
        #expect(throws: CryptoError.self) { try COSEKey.decode(x448) }
    }
}

@Suite struct COSESign1Tests {
    @Test(arguments: SignatureAlgorithm.allCases)
    func signsEncodesDecodesVerifies(_ algorithm: SignatureAlgorithm) throws {
        var rng = SeededGenerator(seed: 21)
        let key = PrivateKey.generate(algorithm, using: &rng)
        let payload = CBORValue.map([CBORMapEntry(.int(1), .text("hello"))]).encoded
        let message = try COSESign1.sign(payload: payload, with: key, keyID: key.publicKey.address.bytes)
        let decoded = try COSESign1(decoding: message.encoded)
        #expect(decoded == message)
        #expect(decoded.payload == payload)
        #expect(decoded.keyID == key.publicKey.address.bytes)
        try decoded.verify(with: key.publicKey)
        #expect(message.encoded.first == 0xd2)  // tag 18
    }

    @Test func rejectsWrongKeyAndTamperedPayload() throws {
        var rng = SeededGenerator(seed: 22)
        let key = PrivateKey.generate(.ed25519, using: &rng)
        let other = PrivateKey.generate(.ed25519, using: &rng)
        let message = try COSESign1.sign(payload: [0x01], with: key)
        #expect(!message.isValid(with: other.publicKey))
        var bytes = message.encoded
        let payloadOffset = bytes.count - 64 - 3  // 0x41 <payload byte> 0x58 0x40 <64-byte signature>
        bytes[payloadOffset] = 0x02
        #expect(!(try COSESign1(decoding: bytes)).isValid(with: key.publicKey))
        let p256 = PrivateKey.generate(.p256, using: &rng)
        #expect(throws: CryptoError.self) { try message.verify(with: p256.publicKey) }
    }

    @Test func rejectsMalformedEnvelopes() throws {
        var rng = SeededGenerator(seed: 23)
        let key = PrivateKey.generate(.ed25519, using: &rng)
        let good = try COSESign1.sign(payload: [1], with: key)
        let cases: [CBORValue] = [
            .array([.bytes(good.protectedHeader), .map([]), .bytes([1]), .bytes(good.signature)]),  // untagged
            .tagged(18, .array([.bytes(good.protectedHeader), .map([]), .bytes([1])])),  // three items
            .tagged(18, .array([.bytes(good.protectedHeader), .map([]), .null, .bytes(good.signature)])),  // detached
            .tagged(18, .array([.bytes([0xa0]), .map([]), .bytes([1]), .bytes(good.signature)])),  // no alg
            .tagged(18, .array([.bytes([0xa1, 0x01, 0x38, 0x24]), .map([]), .bytes([1]), .bytes(good.signature)])),  // PS256 (-37)
            .tagged(18, .array([.bytes(good.protectedHeader), .map([CBORMapEntry(.int(1), .int(-8))]), .bytes([1]), .bytes(good.signature)])),
            .tagged(18, .array([.bytes(good.protectedHeader), .map([]), .bytes([1]), .bytes(Array(good.signature.dropLast()))])),
        ]
        for (index, value) in cases.enumerated() {
            #expect(throws: CryptoError.self, "case \(index)") { try COSESign1(decoding: value.encoded) }
        }
    }
}
