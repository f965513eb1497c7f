import FogCore
import FogCrypto
import FogTestKit
import Testing

@Suite struct DIDKeyTests {
    @Test(arguments: SignatureAlgorithm.allCases)
    func roundTrips(_ algorithm: SignatureAlgorithm) throws {
        var rng = SeededGenerator(seed: 31)
        for _ in 0..<4 {
            let key = PrivateKey.generate(algorithm, using: &rng).publicKey
            let did = key.did
            #expect(did.hasPrefix("did:key:z"))
            #expect(try DIDKey.publicKey(from: did) == key)
            #expect(DIDKey.identifier(for: key) == did)
        }
    }

    @Test func prefixesIdentifyTheAlgorithm() throws {
        var rng = SeededGenerator(seed: 32)
        // Multicodec varints ed 01, 80 24 and 91 24 give these familiar base58btc prefixes.
        #expect(PrivateKey.generate(.ed25519, using: &rng).publicKey.did.hasPrefix("did:key:z6Mk"))
        #expect(PrivateKey.generate(.p256, using: &rng).publicKey.did.hasPrefix("did:key:zDn"))
        let mldsa = PrivateKey.generate(.mldsa65, using: &rng).publicKey.did
        #expect(mldsa.count > 2600)
    }

    /// The W3C CCG did:key test vector for the all-zero Ed25519 seed
    /// (w3c-ccg/did-method-key, test-vectors/ed25519-x25519.json).
    @Test func publishedEd25519Vector() throws {
        let did = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
        // publicKeyBase58 "4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS" of the same vector, as hex.
        let published = Hex.decode("3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29")!
        let key = try DIDKey.publicKey(from: did)
        #expect(key.algorithm == .ed25519)
        #expect(key.rawBytes == published)
        #expect(key.did == did)
        // The vector's seed is 32 zero bytes; our key from that seed has the same identifier.
        let fromSeed = try PrivateKey(algorithm: .ed25519, seed: [UInt8](repeating: 0, count: 32))
        #expect(fromSeed.publicKey.did == did)
    }

    /// The W3C CCG did:key test vectors for P-256 (w3c-ccg/did-method-key, test-vectors/nist-curves.json):
    /// the JWK x and y (base64url in the file, hex here) and private scalar d.
    @Test(arguments: [
        ("did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv",
         "8a0ac59a2d3086e8a12a78fd4773a6d52a0ca61ef6c1419e15a05bcc6dafce7b",
         "79fb17e5bd74c7cca3cab8f89f2de919f2dc63b5dbcb52b382a39daa7b2b2483",
         "80f87e56f552f0c6ef290f4b4955667e7c672a31e7e13aa3d1b99ba5e8519697"),
        ("did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169",
         "7f235830dd3defa722ef1aa249d6a0ddbba4f990b0817538933f573640653542",
         "856da88d335f1fb25b8bcfbe089528dce09b1f7cb99fdd60f88300f4c2cc6d35",
         "62346ceaf36fc38b18af355563c8a9904a43003f4f16ac35b149ef3d1300f962"),
    ])
    func publishedP256Vectors(_ did: String, _ x: String, _ y: String, _ d: String) throws {
        let key = try DIDKey.publicKey(from: did)
        #expect(key.algorithm == .p256)
        #expect(key.rawBytes == Hex.decode(x + y)!)
        #expect(key.did == did)
        let fromSeed = try PrivateKey(algorithm: .p256, seed: Hex.decode(d)!)
        #expect(fromSeed.publicKey == key)
        // The COSE_Key carries the same coordinates.
        let cose = try CBORReader.decode(COSEKey.encode(key))
        #expect(cose[.int(-2)] == .bytes(Hex.decode(x)!))
        #expect(cose[.int(-3)] == .bytes(Hex.decode(y)!))
    }

    @Test func rejectsWhatIsNotAFogLedgerDIDKey() {
        let bad = [
            "", "did:key:", "did:key:z", "did:web:example.com", "did:key:u7QE",  // base64url multibase
            "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW0",  // "0" is not base58btc
            "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWl",  // nor is "l"
            "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#key-1",
            "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWpé",
            "did:key:z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW",  // X25519, not a signature key
            "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",  // secp256k1
            "did:key:zTjsVPtY",  // too short for any key
            "DID:KEY:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
        ]
        for did in bad {
            #expect(throws: CryptoError.self, "\(did)") { try DIDKey.publicKey(from: did) }
        }
    }

    @Test func rejectsWrongKeyLengthsAndPoints() throws {
        var rng = SeededGenerator(seed: 33)
        let ed = PrivateKey.generate(.ed25519, using: &rng).publicKey.did
        // One base58 character more or less changes the decoded length.
        #expect(throws: CryptoError.self) { try DIDKey.publicKey(from: ed + "2") }
        #expect(throws: CryptoError.self) { try DIDKey.publicKey(from: String(ed.dropLast(2))) }
        let p256 = PrivateKey.generate(.p256, using: &rng).publicKey.did
        #expect(throws: CryptoError.self) { try DIDKey.publicKey(from: String(p256.dropLast())) }
    }
}
