import FogCore
import FogCrypto
import FogTypes
import Testing

/// Equal readings have equal bytes, and readings with equal bytes are equal.
@Suite struct ReadingEqualityTests {
    let chain = try! ChainID("fog-test")
    let device = Address(bytes: [UInt8](repeating: 7, count: 20))!

    func reading(_ content: ReadingContent) throws -> Reading {
        try Reading(chainID: chain, device: device, sequence: 1, timeMillis: 5, content: content)
    }

    @Test func mediaTypesCompareByBytes() throws {
        let a = try reading(.payload(hash: .zero, mediaType: "text/caf\u{e9}"))
        let b = try reading(.payload(hash: .zero, mediaType: "text/cafe\u{301}"))
        #expect(a.encoded != b.encoded)
        #expect(a != b)
        #expect(a == (try reading(.payload(hash: .zero, mediaType: "text/caf\u{e9}"))))
    }

    @Test func signedZerosAreDifferentReadings() throws {
        let a = try reading(.inline(.float(0.0)))
        let b = try reading(.inline(.float(-0.0)))
        #expect(a.encoded != b.encoded)
        #expect(a != b)
        #expect(try Reading.decode(b.encoded) == b)
    }

    @Test func inlineMapsBuiltInAnyOrderRoundTrip() throws {
        let a = try reading(.inline(.map([CBORMapEntry(.text("t"), .float(4.5)), CBORMapEntry(.text("h"), .int(40))])))
        let decoded = try Reading.decode(a.encoded)
        #expect(decoded == a)
        #expect(decoded.hashValue == a.hashValue)
    }
}
