import FogCore
import FogCrypto
import FogTestKit
import FogTypes
import Testing

/// Every object the constructors accept can be signed, decoded and carried in a block.
@Suite struct EnvelopeSizeTests {
    /// The largest valid batch: 1,024 readings with 1,024-byte values and 64-bit seq and time, on a
    /// 64-character chain.
    static func largestBatch(device: Address) throws -> ReadingBatch {
        let chain = try ChainID(String(repeating: "z", count: ObjectLimits.maxChainIDBytes))
        let value = CBORValue.bytes([UInt8](repeating: 0xab, count: 1021))  // 3-byte head + 1,021 = 1,024
        #expect(value.encoded.count == ObjectLimits.maxInlineValueBytes)
        let first = UInt64.max - UInt64(ObjectLimits.maxBatchReadings) + 1
        let readings = try (0..<ObjectLimits.maxBatchReadings).map { index in
            try Reading(chainID: chain, device: device, sequence: first + UInt64(index), timeMillis: .max,
                        content: .inline(value))
        }
        return try ReadingBatch(chainID: chain, device: device, readings: readings)
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func largestBatchDecodesAndFitsInAnEnvelope(_ algorithm: SignatureAlgorithm) throws {
        var rng = SeededGenerator(seed: 606)
        let key = PrivateKey.generate(algorithm, using: &rng)
        let signed = try Signed.sign(try Self.largestBatch(device: key.publicKey.address), with: key)
        #expect(signed.bytes.count <= ObjectLimits.maxEnvelopeBytes)
        let decoded = try Signed<ReadingBatch>(decoding: signed.bytes)
        try decoded.verify(with: key.publicKey)
        #expect(decoded.object == signed.object)
    }

    @Test func blockAtTheByteLimitDecodesAndOneByteMoreIsRejected() throws {
        let header = try BlockHeader(
            chainID: ChainID("fog-test"), height: 1, timeMillis: 1, previousBlockID: .zero, lastCommitHash: .zero,
            transactionsRoot: .zero, readingsRoot: .zero, stateRoot: .zero, validatorsHash: .zero,
            nextValidatorsHash: .zero, proposer: Address(bytes: [UInt8](repeating: 1, count: 20))!)
        let full = [UInt8](repeating: 0xd2, count: ObjectLimits.maxEnvelopeBytes)
        func block(lastLength: Int) throws -> Block {
            try Block(header: header, transactions: [full, full, full, [UInt8](repeating: 0xd2, count: lastLength)],
                      lastCommit: nil)
        }
        // Find the last transaction's length that makes the block exactly maxBlockBytes long.
        let probe = try block(lastLength: 100_000)
        let lastLength = 100_000 + ObjectLimits.maxBlockBytes - probe.encoded.count
        let atLimit = try block(lastLength: lastLength)
        #expect(atLimit.encoded.count == ObjectLimits.maxBlockBytes)
        #expect(ObjectLimits.maxBlockBytes == CBORLimits.default.maxInputBytes)
        #expect(try Block.decode(atLimit.encoded) == atLimit)

        let error = #expect(throws: ObjectError.self) { try block(lastLength: lastLength + 1) }
        #expect(error?.code == .limitExceeded)
        var entries = atLimit.cborValue.mapEntries!
        entries[entries.firstIndex { $0.key == .int(2) }!].value =
            .array([full, full, full, [UInt8](repeating: 0xd2, count: lastLength + 1)].map(CBORValue.bytes))
        let decodeError = #expect(throws: ObjectError.self) { try Block.decode(CBORValue.map(entries).encoded) }
        #expect(decodeError?.code == .limitExceeded)
    }
}
