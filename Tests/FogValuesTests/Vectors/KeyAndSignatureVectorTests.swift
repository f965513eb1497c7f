import FogCore
import FogCrypto
import FogTestKit
import FogTypes
import Testing

/// Checks every entry of the committed `Tests/Vectors/cose-key.json`.
@Suite struct COSEKeyVectorTests {
    static let file = try! VectorFiles.load("cose-key.json", as: COSEKeyVectorFile.self)

    @Test func coversEveryAlgorithm() {
        #expect(Set(Self.file.vectors.map(\.algorithm)) == Set(SignatureAlgorithm.allCases.map(\.rawValue)))
        #expect(Set(Self.file.vectors.map(\.name)).count == Self.file.vectors.count)
    }

    @Test(arguments: file.vectors.map(\.name))
    func vector(_ name: String) throws {
        let vector = Self.file.vectors.first { $0.name == name }!
        let algorithm = try #require(SignatureAlgorithm(rawValue: vector.algorithm))
        #expect(algorithm.coseAlgorithm == vector.coseAlgorithm)
        let key = try PrivateKey(algorithm: algorithm, seed: try #require(Hex.decode(vector.seed))).publicKey
        #expect(Hex.encode(key.rawBytes) == vector.publicKey)
        #expect(Hex.encode(COSEKey.encode(key)) == vector.coseKey)
        #expect(key.address.hex == vector.address)
        #expect(key.did == vector.did)
        // Backwards: each published form gives the key back.
        #expect(try COSEKey.decode(try #require(Hex.decode(vector.coseKey))) == key)
        #expect(try DIDKey.publicKey(from: vector.did) == key)
        #expect(try PublicKey(algorithm: algorithm, rawBytes: try #require(Hex.decode(vector.publicKey))) == key)
        let digest = SHA256Hasher.hash(try #require(Hex.decode(vector.coseKey)))
        #expect(Hex.encode(digest.bytes.prefix(20)) == vector.address)
    }

    /// The entries taken from published test vectors still say what those publications say.
    @Test func publishedValues() {
        let byName = Dictionary(uniqueKeysWithValues: Self.file.vectors.map { ($0.name, $0) })
        #expect(byName["ed25519"]?.publicKey == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")  // RFC 8032 TEST 1
        #expect(byName["ed25519-w3c-zero-seed"]?.did == "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
        #expect(byName["p256-w3c"]?.did == "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv")
    }
}

/// Checks every entry of the committed `Tests/Vectors/cose-sign1.json`.
@Suite struct COSESign1VectorTests {
    static let file = try! VectorFiles.load("cose-sign1.json", as: COSESign1VectorFile.self)

    @Test func coversEveryAlgorithmAndTheRequiredRejections() {
        let valid = Self.file.vectors.filter(\.valid)
        #expect(Set(valid.map(\.algorithm)) == Set(SignatureAlgorithm.allCases.map(\.rawValue)))
        let names = Set(Self.file.vectors.map(\.name))
        for required in ["tampered-payload", "alg-does-not-match-key", "unsupported-alg", "untagged", "detached-payload",
                         "extra-protected-param", "extra-unprotected-param"] {
            #expect(names.contains(required), "\(required)")
        }
    }

    @Test(arguments: file.vectors.map(\.name))
    func vector(_ name: String) throws {
        let vector = Self.file.vectors.first { $0.name == name }!
        let key = try COSEKey.decode(try #require(Hex.decode(vector.coseKey)))
        #expect(key.algorithm.rawValue == vector.algorithm)
        let bytes = try #require(Hex.decode(vector.coseSign1))
        let message: COSESign1
        do {
            message = try COSESign1(decoding: bytes)
        } catch {
            #expect(!vector.valid && vector.rejectedAt == "decode", "\(error)")
            #expect(error.code.description == vector.error)
            #expect(vector.payload == nil && vector.toBeSigned == nil)
            return
        }
        #expect(vector.rejectedAt != "decode")
        #expect(message.encoded == bytes)
        #expect(Hex.encode(message.payload) == vector.payload)
        #expect(Hex.encode(COSESign1.toBeSigned(protectedHeader: message.protectedHeader, payload: message.payload)) == vector.toBeSigned)
        do {
            try message.verify(with: key)
            #expect(vector.valid)
        } catch {
            #expect(!vector.valid && vector.rejectedAt == "verify", "\(error)")
            #expect(error.code.description == vector.error)
        }
    }
}
