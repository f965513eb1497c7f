import FogCore
import FogCrypto
import FogTestKit
import FogTypes
import Testing

/// A size or count outside its allowed range is `limit-exceeded` (at either end), a value that is
/// not allowed is `invalid-value`, whether the object is built in code or decoded from a peer's bytes.
@Suite struct ErrorCodeConsistencyTests {
    let chain = try! ChainID("fog-test")
    let device = Address(bytes: [UInt8](repeating: 9, count: 20))!

    func code(_ body: () throws -> Void) -> ObjectError.Code? {
        do {
            try body()
            return nil
        } catch let error as ObjectError {
            return error.code
        } catch {
            return nil
        }
    }

    /// A reading's CBOR with `mediaType` as its media type, bypassing the initializer.
    func rawReading(mediaType: String) -> [UInt8] {
        CBORValue.map([
            CBORMapEntry(.int(0), .int(1)), CBORMapEntry(.int(1), .text("fog-test")),
            CBORMapEntry(.int(2), .bytes(device.bytes)), CBORMapEntry(.int(3), .int(1)), CBORMapEntry(.int(4), .int(1)),
            CBORMapEntry(.int(6), .bytes([UInt8](repeating: 0, count: 32))), CBORMapEntry(.int(7), .text(mediaType)),
        ]).encoded
    }

    @Test func mediaTypeLimitAndEmptiness() {
        let long = String(repeating: "a", count: ObjectLimits.maxMediaTypeBytes + 1)
        #expect(code { _ = try Reading(chainID: chain, device: device, sequence: 1, timeMillis: 1,
                                       content: .payload(hash: .zero, mediaType: long)) } == .limitExceeded)
        #expect(code { _ = try Reading.decode(rawReading(mediaType: long)) } == .limitExceeded)
        #expect(code { _ = try Reading(chainID: chain, device: device, sequence: 1, timeMillis: 1,
                                       content: .payload(hash: .zero, mediaType: "")) } == .limitExceeded)
        #expect(code { _ = try Reading.decode(rawReading(mediaType: "")) } == .limitExceeded)
    }

    @Test func chainIDLengthIsALimit() {
        #expect(code { _ = try ChainID(String(repeating: "a", count: 65)) } == .limitExceeded)
        #expect(code { _ = try ChainID("") } == .limitExceeded)
        #expect(code { _ = try ChainID("Fog") } == .invalidValue)
    }

    @Test func emptyListsAreBelowTheirRange() {
        #expect(code { _ = try ReadingBatch(chainID: chain, device: device, readings: []) } == .limitExceeded)
        #expect(code { _ = try ValidatorSet([]) } == .limitExceeded)
        #expect(code { _ = try Commit(chainID: chain, height: 1, round: 0, blockID: .zero, signatures: []) } == .limitExceeded)
    }

    @Test func decoderLimitsAreLimitExceeded() {
        let deep = [UInt8](repeating: 0x81, count: 40) + [0x00]
        #expect(code { _ = try Reading.decode(deep) } == .limitExceeded)
        let tight = CBORLimits(maxInputBytes: 8, maxDepth: 4, maxCollectionCount: 4, maxStringBytes: 4)
        #expect(code { _ = try Reading.decode(rawReading(mediaType: "a/b"), limits: tight) } == .limitExceeded)
        #expect(code { _ = try Reading.decode([0xff]) } == .malformed)
    }
}
