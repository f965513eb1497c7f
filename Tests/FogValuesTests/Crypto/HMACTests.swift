import FogCore
import FogCrypto
import FogTypes
import Testing

/// HMAC-SHA256 against RFC 4231's test cases, and the gateway-mode wire message built on it.
@Suite struct HMACTests {
    @Test func rfc4231() {
        // Test case 1: a 20-byte key.
        #expect(Hex.encode(HMACSHA256.tag(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        // Test case 2: a key shorter than the output.
        #expect(Hex.encode(HMACSHA256.tag(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // Test case 6: a 131-byte key, longer than a block (hashed first).
        #expect(Hex.encode(HMACSHA256.tag(key: [UInt8](repeating: 0xaa, count: 131),
                                          message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func validityIsExact() {
        let key = [UInt8](repeating: 7, count: 32)
        let tag = HMACSHA256.tag(key: key, message: [1, 2, 3])
        #expect(HMACSHA256.isValid(tag, key: key, message: [1, 2, 3]))
        var flipped = tag
        flipped[31] ^= 1
        #expect(!HMACSHA256.isValid(flipped, key: key, message: [1, 2, 3]))
        #expect(!HMACSHA256.isValid(Array(tag.prefix(31)), key: key, message: [1, 2, 3]))
        #expect(!HMACSHA256.isValid(tag, key: key, message: [1, 2, 4]))
    }

    static let chain = try! ChainID("fog-hmac")
    static let device = Address(bytes: [UInt8](repeating: 0x42, count: 20))!

    @Test func readingMessageRoundTripsAndChecksItsTag() throws {
        let key = [UInt8](repeating: 1, count: 32)
        let reading = try Reading(chainID: Self.chain, device: Self.device, sequence: 3, timeMillis: 1_700_000_000_003,
                                  content: .inline(.unsigned(21)))
        let message = try HMACReading(reading).message(key: key)
        #expect(try HMACReading.claimed(message) == reading)
        #expect(try HMACReading.open(message, key: key, chain: Self.chain).reading == reading)
        #expect(throws: ObjectError(.badSignature, "hmac-reading: the HMAC tag does not verify with the device's key")) {
            try HMACReading.open(message, key: [UInt8](repeating: 2, count: 32), chain: Self.chain)
        }
        #expect(throws: ObjectError.self) { try HMACReading.open(message, key: key, chain: try ChainID("fog-other")) }
        // The payload is a map of its own type: a signed reading's payload is not an HMAC reading.
        #expect(throws: ObjectError.self) {
            try HMACReading.open(CBORValue.array([.bytes(reading.encoded), .bytes(HMACSHA256.tag(key: key, message: reading.encoded))]).encoded,
                                 key: key, chain: Self.chain)
        }
        // Shape and size.
        #expect(throws: ObjectError.self) { try HMACReading.open([0x80], key: key, chain: Self.chain) }
        #expect(throws: ObjectError.self) {
            try HMACReading.open([UInt8](repeating: 0, count: HMACReading.maxMessageBytes + 1), key: key, chain: Self.chain)
        }
        let attested = try Reading(chainID: Self.chain, device: Self.device, sequence: 3, timeMillis: 1,
                                   content: .inline(.unsigned(1)), attestingGateway: Self.device)
        #expect(throws: ObjectError.self) { try HMACReading(attested) }
    }
}
