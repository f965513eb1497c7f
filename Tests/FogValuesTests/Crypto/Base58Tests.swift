@testable import FogCrypto
import FogTestKit
import Testing

/// base58btc as did:key uses it (internal to FogCrypto, so tested through @testable).
@Suite struct Base58Tests {
    @Test func knownEncodings() {
        // From the IETF base58 draft (draft-msporny-base58) examples.
        #expect(Base58.encode(Array("Hello World!".utf8)) == "2NEpo7TZRRrLZSi2U")
        #expect(Base58.encode(Array("The quick brown fox jumps over the lazy dog.".utf8))
                == "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z")
        #expect(Base58.encode([0x00, 0x00, 0x28, 0x7f, 0xb4, 0xcd]) == "11233QC4")
    }

    @Test func leadingZerosBecomeLeadingOnes() {
        #expect(Base58.encode([]) == "")
        #expect(Base58.encode([0]) == "1")
        #expect(Base58.encode([0, 0, 0]) == "111")
        #expect(Base58.encode([0, 0, 1]) == "112")
        #expect(Base58.encode([57]) == "z")
        #expect(Base58.encode([58]) == "21")
        #expect(Base58.encode([0, 58]) == "121")
        #expect(Base58.decode("", maxBytes: 4) == [])
        #expect(Base58.decode("1", maxBytes: 4) == [0])
        #expect(Base58.decode("111", maxBytes: 4) == [0, 0, 0])
        #expect(Base58.decode("112", maxBytes: 4) == [0, 0, 1])
        #expect(Base58.decode("121", maxBytes: 4) == [0, 58])
        #expect(Base58.decode("11233QC4", maxBytes: 8) == [0x00, 0x00, 0x28, 0x7f, 0xb4, 0xcd])
    }

    @Test func rejectsCharactersOutsideTheAlphabet() {
        for text in ["0", "O", "I", "l", "+", "/", " ", "1 1", "é", "z\u{0}"] {
            #expect(Base58.decode(text, maxBytes: 8) == nil, "\(text)")
        }
    }

    @Test func enforcesTheByteLimit() {
        #expect(Base58.decode(Base58.encode([UInt8](repeating: 0xff, count: 8)), maxBytes: 8) != nil)
        #expect(Base58.decode(Base58.encode([UInt8](repeating: 0xff, count: 9)), maxBytes: 8) == nil)
        #expect(Base58.decode(String(repeating: "1", count: 9), maxBytes: 8) == nil)
        #expect(Base58.decode(String(repeating: "z", count: 10_000), maxBytes: 8) == nil)
    }

    @Test func randomRoundTrips() {
        var rng = SeededGenerator(seed: 58)
        for length in 0..<80 {
            var bytes = rng.bytes(length)
            if length > 2 { bytes[0] = 0; bytes[1] = UInt8(length % 2) }  // leading zeros, sometimes two
            let text = Base58.encode(bytes)
            #expect(Base58.decode(text, maxBytes: 80) == bytes)
        }
    }
}
