import FogCore
import FogCrypto
import FogTypes
import Testing

/// What `Block.init` accepts, `Block.decode` accepts, and the other way round.
@Suite struct BlockEnvelopeTests {
    static let header = try! BlockHeader(
        chainID: ChainID("fog-test"), height: 1, timeMillis: 1, previousBlockID: .zero, lastCommitHash: .zero,
        transactionsRoot: .zero, readingsRoot: .zero, stateRoot: .zero, validatorsHash: .zero,
        nextValidatorsHash: .zero, proposer: Address(bytes: [UInt8](repeating: 1, count: 20))!)

    @Test func emptyEnvelopeIsRejectedByBothPaths() throws {
        let error = #expect(throws: ObjectError.self) { try Block(header: Self.header, transactions: [[]], lastCommit: nil) }
        #expect(error?.code == .limitExceeded)
        let raw = CBORValue.map([
            CBORMapEntry(.int(0), .int(17)), CBORMapEntry(.int(1), Self.header.cborValue),
            CBORMapEntry(.int(2), .array([.bytes([])])), CBORMapEntry(.int(3), .null),
        ]).encoded
        let decodeError = #expect(throws: ObjectError.self) { try Block.decode(raw) }
        #expect(decodeError?.code == .limitExceeded)
    }

    @Test func envelopeAtTheSizeLimitRoundTripsAndOneMoreByteIsRejected() throws {
        let atLimit = try Block(header: Self.header, transactions: [[UInt8](repeating: 0xd2, count: ObjectLimits.maxEnvelopeBytes)],
                                lastCommit: nil)
        #expect(try Block.decode(atLimit.encoded) == atLimit)
        let tooBig = [UInt8](repeating: 0xd2, count: ObjectLimits.maxEnvelopeBytes + 1)
        let error = #expect(throws: ObjectError.self) { try Block(header: Self.header, transactions: [tooBig], lastCommit: nil) }
        #expect(error?.code == .limitExceeded)
        var entries = atLimit.cborValue.mapEntries!
        entries[entries.firstIndex { $0.key == .int(2) }!].value = .array([.bytes(tooBig)])
        let decodeError = #expect(throws: ObjectError.self) { try Block.decode(CBORValue.map(entries).encoded) }
        #expect(decodeError?.code == .limitExceeded)
    }
}
