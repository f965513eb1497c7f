import FogCore
import FogCrypto
import FogTestKit
import Testing

/// The FogLedger COSE_Sign1 profile and COSE_Key forms at their edges (spec/device-identity.md).
@Suite struct COSESign1ProfileTests {
    static let key: PrivateKey = {
        var rng = SeededGenerator(seed: 71)
        return PrivateKey.generate(.ed25519, using: &rng)
    }()

    func code(_ bytes: [UInt8]) -> CryptoError.Code? {
        do {
            _ = try COSESign1(decoding: bytes)
            return nil
        } catch {
            return error.code
        }
    }

    func envelope(protected: [UInt8] = [0xa1, 0x01, 0x27], unprotected: CBORValue = .map([]), payload: CBORValue = .bytes([0xa0]),
                  signature: [UInt8] = [UInt8](repeating: 0, count: 64), tag: UInt64 = 18) -> [UInt8] {
        CBORValue.tagged(tag, .array([.bytes(protected), unprotected, payload, .bytes(signature)])).encoded
    }

    @Test func protectedHeaderBytes() {
        #expect(COSESign1.protectedHeader(for: .ed25519) == [0xa1, 0x01, 0x27])
        #expect(COSESign1.protectedHeader(for: .p256) == [0xa1, 0x01, 0x26])
        #expect(COSESign1.protectedHeader(for: .mldsa65) == [0xa1, 0x01, 0x38, 0x30])
    }

    @Test func sigStructureBytes() {
        // ["Signature1", h'a10127', h'', h'a0']
        let tbs = COSESign1.toBeSigned(protectedHeader: [0xa1, 0x01, 0x27], payload: [0xa0])
        #expect(Hex.encode(tbs) == "846a5369676e61747572653143a101274041a0")
    }

    @Test func keyIDLength() throws {
        for length in [0, 20, 64] {
            let message = try COSESign1.sign(payload: [1], with: Self.key, keyID: [UInt8](repeating: 7, count: length))
            let decoded = try COSESign1(decoding: message.encoded)
            #expect(decoded.keyID?.count == length)
            #expect(decoded.encoded == message.encoded)
            try decoded.verify(with: Self.key.publicKey)
        }
        #expect(throws: CryptoError.self) { try COSESign1.sign(payload: [1], with: Self.key, keyID: [UInt8](repeating: 7, count: 65)) }
        let long = envelope(unprotected: .map([CBORMapEntry(.int(4), .bytes([UInt8](repeating: 7, count: 65)))]))
        #expect(code(long) == .malformed)
    }

    @Test func headerParametersOtherThanAlgAndKid() {
        let cases: [(String, [UInt8])] = [
            ("empty protected map", envelope(protected: [0xa0])),
            ("empty protected bstr", envelope(protected: [])),
            ("kid in protected", envelope(protected: CBORValue.map([CBORMapEntry(.int(1), .int(-8)), CBORMapEntry(.int(4), .bytes([1]))]).encoded)),
            ("content type in protected", envelope(protected: CBORValue.map([CBORMapEntry(.int(1), .int(-8)), CBORMapEntry(.int(3), .int(60))]).encoded)),
            ("crit in protected", envelope(protected: CBORValue.map([CBORMapEntry(.int(1), .int(-8)), CBORMapEntry(.int(2), .array([.int(4)]))]).encoded)),
            ("alg as text", envelope(protected: CBORValue.map([CBORMapEntry(.int(1), .text("EdDSA"))]).encoded)),
            ("alg key as text", envelope(protected: CBORValue.map([CBORMapEntry(.text("alg"), .int(-8))]).encoded)),
            ("non-canonical protected", envelope(protected: [0xa1, 0x01, 0x38, 0x07])),
            ("protected with trailing byte", envelope(protected: [0xa1, 0x01, 0x27, 0x00])),
            ("protected not a map", envelope(protected: [0x81, 0x27])),
            ("alg in unprotected", envelope(unprotected: .map([CBORMapEntry(.int(1), .int(-8))]))),
            ("iv in unprotected", envelope(unprotected: .map([CBORMapEntry(.int(5), .bytes([1]))]))),
            ("kid and another", envelope(unprotected: .map([CBORMapEntry(.int(4), .bytes([1])), CBORMapEntry(.int(3), .int(0))]))),
            ("kid as text", envelope(unprotected: .map([CBORMapEntry(.int(4), .text("device"))]))),
            ("unprotected not a map", envelope(unprotected: .array([]))),
            ("detached payload", envelope(payload: .null)),
            ("payload as text", envelope(payload: .text("{}"))),
            ("COSE_Sign tag 98", envelope(tag: 98)),
            ("COSE_Mac0 tag 17", envelope(tag: 17)),
            ("signature too short", envelope(signature: [UInt8](repeating: 0, count: 63))),
            ("signature too long", envelope(signature: [UInt8](repeating: 0, count: 65))),
        ]
        for (name, bytes) in cases {
            #expect(code(bytes) == .malformed, "\(name)")
        }
        #expect(code(envelope(protected: [0xa1, 0x01, 0x38, 0x22])) == .unsupportedAlgorithm, "ES384")
        #expect(code(envelope(protected: [0xa1, 0x01, 0x38, 0x2f])) == .unsupportedAlgorithm, "ML-DSA-44 (-48)")
        #expect(code(envelope(protected: [0xa1, 0x01, 0x27])) == nil)
        #expect(code(envelope(protected: [0xa1, 0x01, 0x27]) + [0x00]) == .malformed, "trailing bytes")
    }

    @Test func signatureLengthFollowsTheAlgorithm() {
        #expect(code(envelope(protected: [0xa1, 0x01, 0x38, 0x30], signature: [UInt8](repeating: 0, count: 3309))) == nil)
        #expect(code(envelope(protected: [0xa1, 0x01, 0x38, 0x30], signature: [UInt8](repeating: 0, count: 64))) == .malformed)
        #expect(code(envelope(protected: [0xa1, 0x01, 0x26], signature: [UInt8](repeating: 0, count: 64))) == nil)
    }
}

@Suite struct COSEKeyFormTests {
    static let keys: [SignatureAlgorithm: PublicKey] = {
        var rng = SeededGenerator(seed: 72)
        return Dictionary(uniqueKeysWithValues: SignatureAlgorithm.allCases.map { ($0, PrivateKey.generate($0, using: &rng).publicKey) })
    }()

    func adding(_ algorithm: SignatureAlgorithm, _ entries: [CBORMapEntry]) -> [UInt8] {
        CBORValue.map(COSEKey.value(Self.keys[algorithm]!).mapEntries! + entries).encoded
    }

    func code(_ bytes: [UInt8]) -> CryptoError.Code? {
        do {
            _ = try COSEKey.decode(bytes)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func canonicalLayouts() throws {
        let p256 = COSEKey.encode(Self.keys[.p256]!)
        #expect(p256.count == 8 + 32 + 3 + 32)
        #expect(Array(p256.prefix(8)) == [0xa4, 0x01, 0x02, 0x20, 0x01, 0x21, 0x58, 0x20])
        #expect(Array(p256[40..<43]) == [0x22, 0x58, 0x20])
        let mldsa = COSEKey.encode(Self.keys[.mldsa65]!)
        #expect(mldsa.count == 1 + 2 + 3 + 1 + 3 + 1952)
        #expect(Array(mldsa.prefix(10)) == [0xa3, 0x01, 0x07, 0x03, 0x38, 0x30, 0x20, 0x59, 0x07, 0xa0])
        #expect(COSEKey.encode(Self.keys[.ed25519]!).count == 8 + 32)
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func optionalAlgAndKid(_ algorithm: SignatureAlgorithm) throws {
        let key = Self.keys[algorithm]!
        let alg = CBORMapEntry(.int(3), .int(algorithm.coseAlgorithm))
        let withAlg = algorithm == .mldsa65 ? COSEKey.encode(key) : adding(algorithm, [alg])
        #expect(try COSEKey.decode(withAlg) == key)
        let kid = CBORMapEntry(.int(2), .bytes([UInt8](repeating: 1, count: 64)))
        #expect(try COSEKey.decode(adding(algorithm, [kid])) == key)
        #expect(code(adding(algorithm, [CBORMapEntry(.int(2), .bytes([UInt8](repeating: 1, count: 65)))])) == .malformed)
        #expect(code(adding(algorithm, [CBORMapEntry(.int(2), .text("kid"))])) == .malformed)
        #expect(code(adding(algorithm, [CBORMapEntry(.int(4), .array([.int(2)]))])) == .malformed, "key_ops")
        #expect(code(adding(algorithm, [CBORMapEntry(.int(-4), .bytes([1]))])) == .malformed, "a private part")
        // Whatever was accepted, the address comes from the canonical form.
        #expect(try COSEKey.decode(adding(algorithm, [kid])).address == key.address)
    }

    @Test func algorithmsThatDoNotMatchTheKey() {
        #expect(code(adding(.ed25519, [CBORMapEntry(.int(3), .int(-7))])) == .unsupportedAlgorithm)
        #expect(code(adding(.ed25519, [CBORMapEntry(.int(3), .int(-19))])) == nil, "Ed25519 (-19, RFC 9864)")
        #expect(code(adding(.p256, [CBORMapEntry(.int(3), .int(-8))])) == .unsupportedAlgorithm)
        #expect(code(adding(.p256, [CBORMapEntry(.int(3), .int(-35))])) == .unsupportedAlgorithm)
        #expect(code(adding(.ed25519, [CBORMapEntry(.int(3), .text("EdDSA"))])) == .malformed)
        let mldsa = COSEKey.value(Self.keys[.mldsa65]!)
        let withoutAlg = CBORValue.map(mldsa.mapEntries!.filter { $0.key != .int(3) }).encoded
        #expect(code(withoutAlg) == .unsupportedAlgorithm)
        let mldsa44 = CBORValue.map(mldsa.mapEntries!.filter { $0.key != .int(3) } + [CBORMapEntry(.int(3), .int(-48))]).encoded
        #expect(code(mldsa44) == .unsupportedAlgorithm)
    }

    @Test func wrongShapes() {
        let ed = Self.keys[.ed25519]!.rawBytes
        let p = Self.keys[.p256]!.rawBytes
        let cases: [(String, CBORValue)] = [
            ("kty as text", .map([CBORMapEntry(.int(1), .text("OKP")), CBORMapEntry(.int(-1), .int(6)), CBORMapEntry(.int(-2), .bytes(ed))])),
            ("short x", .map([CBORMapEntry(.int(1), .int(1)), CBORMapEntry(.int(-1), .int(6)), CBORMapEntry(.int(-2), .bytes(Array(ed.dropLast())))])),
            ("no x", .map([CBORMapEntry(.int(1), .int(1)), CBORMapEntry(.int(-1), .int(6))])),
            ("no crv", .map([CBORMapEntry(.int(1), .int(1)), CBORMapEntry(.int(-2), .bytes(ed))])),
            ("EC2 compressed y", .map([CBORMapEntry(.int(1), .int(2)), CBORMapEntry(.int(-1), .int(1)),
                                       CBORMapEntry(.int(-2), .bytes(Array(p[0..<32]))), CBORMapEntry(.int(-3), .bool(true))])),
            ("EC2 without y", .map([CBORMapEntry(.int(1), .int(2)), CBORMapEntry(.int(-1), .int(1)), CBORMapEntry(.int(-2), .bytes(Array(p[0..<32])))])),
            ("AKP short pub", .map([CBORMapEntry(.int(1), .int(7)), CBORMapEntry(.int(3), .int(-49)), CBORMapEntry(.int(-1), .bytes([1, 2]))])),
            ("not a map", .array([.int(1)])),
        ]
        for (name, value) in cases {
            #expect(code(value.encoded) == .malformed, "\(name)")
        }
        // A P-256 point off the curve.
        let off = CBORValue.map([CBORMapEntry(.int(1), .int(2)), CBORMapEntry(.int(-1), .int(1)),
                                 CBORMapEntry(.int(-2), .bytes([UInt8](repeating: 1, count: 32))), CBORMapEntry(.int(-3), .bytes([UInt8](repeating: 1, count: 32)))])
        #expect(code(off.encoded) != nil)
        #expect(code(CBORValue.map([CBORMapEntry(.int(1), .int(2)), CBORMapEntry(.int(-1), .int(2)),
                                    CBORMapEntry(.int(-2), .bytes(Array(p[0..<32]))), CBORMapEntry(.int(-3), .bytes(Array(p[32..<64])))]).encoded)
                == .unsupportedAlgorithm, "P-384 curve")
    }

    /// Address = first 20 bytes of SHA-256 of the canonical COSE_Key.
    @Test(arguments: SignatureAlgorithm.allCases)
    func addressDerivation(_ algorithm: SignatureAlgorithm) throws {
        let key = Self.keys[algorithm]!
        let digest = SHA256Hasher.hash(COSEKey.encode(key))
        #expect(key.address.bytes == Array(digest.bytes.prefix(20)))
        #expect(Address(hex: key.address.hex) == key.address)
        #expect(key.address.hex.count == 40)
        #expect(Address(hex: String(key.address.hex.dropLast(2))) == nil)
        #expect(Address(bytes: [UInt8](repeating: 0, count: 21)) == nil)
    }
}
