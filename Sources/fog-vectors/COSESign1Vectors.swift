import FogCore
import FogCrypto
import FogTestKit
import FogTypes

/// Writes `cose-sign1.json`.
enum COSESign1Vectors {
    static let chain = try! ChainID("fogledger-vectors")

    /// The payload each signer signs: a reading of its own device.
    static func payload(_ key: PrivateKey) -> [UInt8] {
        try! Reading(chainID: chain, device: key.publicKey.address, sequence: 1, timeMillis: 1_767_225_600_000,
                     content: .inline(.float(21.5))).encoded
    }

    /// A tagged COSE_Sign1 with the given parts, signed by `key` over the Sig_structure of `protected`
    /// and `signedPayload` (by default the payload it carries).
    static func message(_ key: PrivateKey, protected: [UInt8], unprotected: CBORValue, payload: CBORValue,
                        signedPayload: [UInt8]? = nil, tag: UInt64? = 18) -> [UInt8] {
        let signed = signedPayload ?? payload.byteString ?? []
        let signature = try! key.signature(for: COSESign1.toBeSigned(protectedHeader: protected, payload: signed))
        let array = CBORValue.array([.bytes(protected), unprotected, payload, .bytes(signature)])
        return (tag.map { CBORValue.tagged($0, array) } ?? array).encoded
    }

    static func kid(_ key: PrivateKey) -> CBORValue {
        .map([CBORMapEntry(.int(4), .bytes(key.publicKey.address.bytes))])
    }

    static func make() -> COSESign1VectorFile {
        var vectors: [COSESign1Vector] = []
        func add(_ name: String, _ key: PrivateKey, _ bytes: [UInt8], valid: Bool, at stage: String? = nil,
                 error: String? = nil, _ comment: String) {
            let decoded = try? COSESign1(decoding: bytes)
            vectors.append(COSESign1Vector(
                name: name, algorithm: key.algorithm.rawValue, coseKey: Hex.encode(COSEKey.encode(key.publicKey)),
                coseSign1: Hex.encode(bytes), payload: decoded.map { Hex.encode($0.payload) },
                toBeSigned: decoded.map { Hex.encode(COSESign1.toBeSigned(protectedHeader: $0.protectedHeader, payload: $0.payload)) },
                valid: valid, rejectedAt: stage, error: error, comment: comment))
        }

        for algorithm in SignatureAlgorithm.allCases {
            let key = VectorKeys.forAlgorithm(algorithm)
            let bytes = message(key, protected: COSESign1.protectedHeader(for: algorithm), unprotected: kid(key), payload: .bytes(payload(key)))
            add("\(algorithm)", key, bytes, valid: true,
                "A reading signed with \(algorithm) (alg \(algorithm.coseAlgorithm)); kid = the signer's address.")
        }
        let ed = VectorKeys.ed25519
        let edHeader = COSESign1.protectedHeader(for: .ed25519)
        let edPayload = payload(ed)
        add("ed25519-no-kid", ed, message(ed, protected: edHeader, unprotected: .map([]), payload: .bytes(edPayload)), valid: true,
            "The unprotected header may be empty; the payload names the signer.")
        add("ed25519-alg-minus-19", ed, message(ed, protected: [0xa1, 0x01, 0x32], unprotected: kid(ed), payload: .bytes(edPayload)), valid: true,
            "Ed25519 named by its fully specified identifier -19 (RFC 9864) is accepted; FogLedger itself writes -8.")

        var tampered = edPayload
        tampered[tampered.count - 1] ^= 0x01
        add("tampered-payload", ed, message(ed, protected: edHeader, unprotected: kid(ed), payload: .bytes(tampered), signedPayload: edPayload),
            valid: false, at: "verify", error: "bad-signature", "The last payload byte was changed after signing.")
        add("wrong-key", ed, message(VectorKeys.labelled(.ed25519, "other"), protected: edHeader, unprotected: kid(ed), payload: .bytes(edPayload)),
            valid: false, at: "verify", error: "bad-signature", "Signed by another Ed25519 key than the one given.")
        add("alg-does-not-match-key", ed, message(ed, protected: [0xa1, 0x01, 0x26], unprotected: kid(ed), payload: .bytes(edPayload)),
            valid: false, at: "verify", error: "bad-signature", "The header says ES256 (-7) but the key is Ed25519.")
        add("unsupported-alg", ed, message(ed, protected: [0xa1, 0x01, 0x38, 0x22], unprotected: kid(ed), payload: .bytes(edPayload)),
            valid: false, at: "decode", error: "unsupported-algorithm", "ES384 (-35) is not a FogLedger algorithm.")
        add("untagged", ed, message(ed, protected: edHeader, unprotected: kid(ed), payload: .bytes(edPayload), tag: nil),
            valid: false, at: "decode", error: "malformed", "COSE_Sign1 without tag 18.")
        add("wrong-tag", ed, message(ed, protected: edHeader, unprotected: kid(ed), payload: .bytes(edPayload), tag: 98),
            valid: false, at: "decode", error: "malformed", "Tag 98 (COSE_Sign) instead of 18.")
        add("detached-payload", ed, message(ed, protected: edHeader, unprotected: kid(ed), payload: .null, signedPayload: edPayload),
            valid: false, at: "decode", error: "malformed", "Payload nil (detached, RFC 9052 §2): FogLedger requires it attached.")
        let protectedWithKid = CBORValue.map([CBORMapEntry(.int(1), .int(-8)), CBORMapEntry(.int(4), .bytes(ed.publicKey.address.bytes))]).encoded
        add("extra-protected-param", ed, message(ed, protected: protectedWithKid, unprotected: .map([]), payload: .bytes(edPayload)),
            valid: false, at: "decode", error: "malformed", "The protected header must be exactly {1: alg}; here it also holds the kid.")
        let unprotectedWithContentType = CBORValue.map([CBORMapEntry(.int(3), .int(60)), CBORMapEntry(.int(4), .bytes(ed.publicKey.address.bytes))])
        add("extra-unprotected-param", ed, message(ed, protected: edHeader, unprotected: unprotectedWithContentType, payload: .bytes(edPayload)),
            valid: false, at: "decode", error: "malformed", "The unprotected header may hold only a kid; here it also holds a content type (3).")
        add("non-canonical-protected", ed, message(ed, protected: [0xa1, 0x01, 0x38, 0x07], unprotected: kid(ed), payload: .bytes(edPayload)),
            valid: false, at: "decode", error: "malformed", "The protected header {1: -8} with -8 not in its shortest form (38 07).")
        var short = try! CBORReader.decode(message(ed, protected: edHeader, unprotected: kid(ed), payload: .bytes(edPayload)))
        if case .tagged(18, .array(var parts)) = short {
            parts[3] = .bytes(Array(parts[3].byteString!.dropLast()))
            short = .tagged(18, .array(parts))
        }
        add("short-signature", ed, short.encoded, valid: false, at: "decode", error: "malformed", "A 63-byte Ed25519 signature.")
        return COSESign1VectorFile(
            description: "COSE_Sign1 (RFC 9052) in FogLedger's profile (spec/device-identity.md): tag 18, protected header exactly {1: alg}, unprotected header empty or {4: kid}, attached payload, empty external AAD. Each vector gives the signer's COSE_Key, the message, its payload and Sig_structure (ToBeSigned) when it decodes, and whether it is accepted. Signatures may be randomised: verify them, never compare them. Byte strings are lowercase hex.",
            vectors: vectors)
    }
}
