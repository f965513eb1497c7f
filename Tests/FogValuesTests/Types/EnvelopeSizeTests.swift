import FogCore
import FogCrypto
import FogTestKit
import FogTypes
import Testing

/// Every object the constructors accept can be signed, decoded and carried in a block, within the
/// decoder's default limits: payload ≤ maxPayloadBytes < envelope ≤ maxEnvelopeBytes = the string
/// limit, block ≤ maxBlockBytes = the input limit.
@Suite struct EnvelopeSizeTests {
    static let chain = try! ChainID(String(repeating: "z", count: ObjectLimits.maxChainIDBytes))

    /// A batch of 1,024 readings with 64-bit seq and time whose encoding is exactly `size` bytes.
    static func batch(device: Address, encodedSize size: Int) throws -> ReadingBatch {
        let first = UInt64.max - UInt64(ObjectLimits.maxBatchReadings) + 1
        func make(_ lengths: [Int]) throws -> ReadingBatch {
            let readings = try lengths.enumerated().map { index, length in
                try Reading(chainID: chain, device: device, sequence: first + UInt64(index), timeMillis: .max,
                            content: .inline(.bytes([UInt8](repeating: 0xab, count: length))))
            }
            return try ReadingBatch(chainID: chain, device: device, readings: readings)
        }
        // Values of 980 bytes (3-byte head) keep the batch under the limit; then grow values one
        // by one, each up to 1,021 bytes (1,024 encoded), until the size is exact.
        var lengths = [Int](repeating: 980, count: ObjectLimits.maxBatchReadings)
        var current = try make(lengths).encoded.count
        var index = 0
        while current < size {
            let grow = min(size - current, 1021 - lengths[index])
            lengths[index] += grow
            current += grow
            index += 1
        }
        let batch = try make(lengths)
        precondition(batch.encoded.count == size)
        return batch
    }

    @Test func theLimitsNest() {
        #expect(ObjectLimits.maxEnvelopeBytes == CBORLimits.default.maxStringBytes)
        #expect(ObjectLimits.maxPayloadBytes < ObjectLimits.maxEnvelopeBytes)
        #expect(ObjectLimits.maxBlockBytes == CBORLimits.default.maxInputBytes)
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func largestBatchDecodesAndFitsInAnEnvelope(_ algorithm: SignatureAlgorithm) throws {
        var rng = SeededGenerator(seed: 606)
        let key = PrivateKey.generate(algorithm, using: &rng)
        let batch = try Self.batch(device: key.publicKey.address, encodedSize: ObjectLimits.maxPayloadBytes)
        // The largest envelope: the largest batch, the longest kid and the longest signature.
        let envelope = try COSESign1.sign(payload: batch.encoded, with: key, keyID: [UInt8](repeating: 1, count: COSESign1.maxKeyIDBytes))
        #expect(envelope.encoded.count <= ObjectLimits.maxEnvelopeBytes)
        let signed = try Signed.sign(batch, with: key)
        let decoded = try Signed<ReadingBatch>(decoding: signed.bytes)
        try decoded.verify(with: key.publicKey)
        #expect(decoded.object == batch)
    }

    @Test func oneByteOverThePayloadLimitIsRejected() throws {
        let key = Fixtures.signer(.ed25519)
        let atLimit = try Self.batch(device: key.publicKey.address, encodedSize: ObjectLimits.maxPayloadBytes)
        expectObjectError(.limitExceeded) {
            _ = try Self.batch(device: key.publicKey.address, encodedSize: ObjectLimits.maxPayloadBytes + 1)
        }
        // The same from bytes: one entry's value one byte longer, signed and sent.
        var entries = atLimit.cborValue.field(8).arrayItems!
        let value = entries[1023].field(5).byteString!
        entries[1023] = entries[1023].setting(5, .bytes(value + [0]))
        let payload = atLimit.cborValue.setting(8, .array(entries)).encoded
        #expect(payload.count == ObjectLimits.maxPayloadBytes + 1)
        expectObjectError(.limitExceeded) { _ = try ReadingBatch.decode(payload) }
        let envelope = try COSESign1.sign(payload: payload, with: key).encoded
        expectObjectError(.limitExceeded) { _ = try Signed<ReadingBatch>(decoding: envelope) }
    }

    /// An envelope larger than any valid object's is refused before it is parsed.
    @Test func envelopesOverTheLimitAreRefused() throws {
        let key = Fixtures.signer(.ed25519)
        let oversized = try COSESign1.sign(payload: [UInt8](repeating: 0, count: ObjectLimits.maxEnvelopeBytes), with: key).encoded
        expectObjectError(.limitExceeded) { _ = try Signed<Reading>(decoding: oversized) }
        let stringOverLimit = try COSESign1.sign(payload: [UInt8](repeating: 0, count: ObjectLimits.maxEnvelopeBytes - 100), with: key).encoded
        #expect(stringOverLimit.count <= ObjectLimits.maxEnvelopeBytes)
        expectObjectError(.malformed) { _ = try Signed<Reading>(decoding: stringOverLimit) }  // within limits, but not a reading
        let tight = CBORLimits(maxInputBytes: 1 << 20, maxDepth: 32, maxCollectionCount: 16, maxStringBytes: 16)
        let reading = try Signed.sign(try Fixtures.reading(device: key.publicKey.address), with: key)
        expectObjectError(.limitExceeded) { _ = try Signed<Reading>(decoding: reading.bytes, limits: tight) }
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
        #expect(try Block.decode(atLimit.encoded) == atLimit)

        expectObjectError(.limitExceeded) { _ = try block(lastLength: lastLength + 1) }
        var entries = atLimit.cborValue.mapEntries!
        entries[entries.firstIndex { $0.key == .int(2) }!].value =
            .array([full, full, full, [UInt8](repeating: 0xd2, count: lastLength + 1)].map(CBORValue.bytes))
        expectObjectError(.limitExceeded) { _ = try Block.decode(CBORValue.map(entries).encoded) }
    }
}
