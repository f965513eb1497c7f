import FogCore
import FogCrypto
import FogTestKit

/// Writes `cose-key.json`.
enum COSEKeyVectors {
    static func make() -> COSEKeyVectorFile {
        let entries: [(String, SignatureAlgorithm, String, String?)] = [
            ("ed25519", .ed25519, VectorKeys.ed25519Seed, "RFC 8032 §7.1 TEST 1 (its public key is d75a9801…511a)"),
            ("p256", .p256, VectorKeys.p256Seed, nil),
            ("mldsa65", .mldsa65, VectorKeys.mldsa65Seed, nil),
            ("ed25519-w3c-zero-seed", .ed25519, String(repeating: "0", count: 64),
             "W3C CCG did:key test vectors, ed25519-x25519.json (did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp)"),
            ("p256-w3c", .p256, "80f87e56f552f0c6ef290f4b4955667e7c672a31e7e13aa3d1b99ba5e8519697",
             "W3C CCG did:key test vectors, nist-curves.json (did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv)"),
        ]
        return COSEKeyVectorFile(
            description: "FogLedger keys (spec/device-identity.md): for each private seed, the raw public key, the canonical COSE_Key, the address (first 20 bytes of SHA-256 of the COSE_Key) and the did:key. Byte strings are lowercase hex.",
            vectors: entries.map { name, algorithm, seed, source in
                let key = VectorKeys.key(algorithm, seed: seed).publicKey
                return COSEKeyVector(name: name, algorithm: algorithm.rawValue, coseAlgorithm: algorithm.coseAlgorithm, seed: seed,
                                     publicKey: Hex.encode(key.rawBytes), coseKey: Hex.encode(COSEKey.encode(key)),
                                     address: key.address.hex, did: key.did, source: source)
            })
    }
}
