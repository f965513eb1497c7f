import FogCore
import FogCrypto
import FogExecution
import FogMerkle
import FogTypes
import Testing

@Suite struct ReadingExecutionTests {
    let sensor = Ledger.sensor.publicKey.address

    @Test func readingsAreCommittedInOrderWithTheirLeaves() throws {
        var ledger = Ledger()
        try ledger.registerSensor()
        try ledger.registerSensor(Ledger.sensorP256)
        let envelopes = [
            Ledger.reading(Ledger.sensor, seq: 1),
            Ledger.batch(Ledger.sensorP256, seqs: [4, 5, 9]),
            Ledger.reading(Ledger.sensor, seq: 7, content: .payload(hash: SHA256Hasher.hash([1]), mediaType: "image/jpeg")),
        ]
        let result = try ledger.run(envelopes)
        #expect(result.receipts.map(\.code) == ["ok", "ok", "ok"])
        #expect(result.readings.map(\.sequence) == [1, 4, 5, 9, 7])
        #expect(result.readingsRoot == MerkleTree.root(leafHashes: result.readings.map { MerkleTree.leafHash($0.encoded) }))
        #expect(result.transactionsRoot == MerkleTree.root(leafHashes: envelopes.map(MerkleTree.leafHash)))
        #expect(try ledger.device(Ledger.sensor)?.lastSequence == 7)
        #expect(try ledger.device(Ledger.sensorP256)?.lastSequence == 9)
        // Receipts carry the payload hash as the transaction id.
        let signed = try Signed<Reading>(decoding: envelopes[0])
        #expect(result.receipts[0].transactionID == signed.payloadHash)
        // A batch's readings are the very records a single reading would commit.
        let single = try Signed<ReadingBatch>(decoding: envelopes[1]).object.readings[0]
        #expect(result.readings[1].encoded == single.encoded)
    }

    @Test func replayedAndOutOfOrderSequences() throws {
        var ledger = Ledger()
        try ledger.registerSensor()
        #expect(try ledger.codes([
            Ledger.reading(Ledger.sensor, seq: 5),
            Ledger.reading(Ledger.sensor, seq: 5),
            Ledger.reading(Ledger.sensor, seq: 3),
            Ledger.reading(Ledger.sensor, seq: 6),
        ]) == ["ok", "stale-sequence", "stale-sequence", "ok"])
        #expect(try ledger.code(Ledger.batch(Ledger.sensor, seqs: [6, 7])) == "stale-sequence")
        #expect(try ledger.code(Ledger.batch(Ledger.sensor, seqs: [7, 8])) == "ok")
        #expect(try ledger.device(Ledger.sensor)?.lastSequence == 8)
        let failed = try ledger.run([Ledger.reading(Ledger.sensor, seq: 8)])
        #expect(failed.readings.isEmpty)
        #expect(failed.readingsRoot == MerkleTree.emptyRoot)
        #expect(failed.state.changes.isEmpty)
    }

    @Test func unknownDeviceAndBadSignature() throws {
        var ledger = Ledger()
        #expect(try ledger.code(Ledger.reading(Ledger.sensor, seq: 1)) == "unknown-device")
        try ledger.registerSensor()
        #expect(try ledger.code(Ledger.reading(Ledger.carol, device: sensor, seq: 1)) == "bad-signature")
        #expect(try ledger.device(Ledger.sensor)?.lastSequence == 0)
    }

    @Test func inlineValueLimit() throws {
        var ledger = Ledger()
        try ledger.registerSensor()
        // An inline byte string of 1,021 bytes encodes in 1,024 (59 03 fd + bytes).
        let atLimit = CBORValue.bytes([UInt8](repeating: 1, count: ObjectLimits.maxInlineValueBytes - 3))
        #expect(atLimit.encoded.count == ObjectLimits.maxInlineValueBytes)
        #expect(try ledger.code(Ledger.reading(Ledger.sensor, seq: 1, content: .inline(atLimit))) == "ok")
        // Over the limit: the reading cannot be built, so build its payload by hand.
        let over = CBORValue.map([
            CBORMapEntry(.int(0), .int(1)), CBORMapEntry(.int(1), .text(Ledger.chain.value)),
            CBORMapEntry(.int(2), .bytes(sensor.bytes)), CBORMapEntry(.int(3), .int(2)), CBORMapEntry(.int(4), .int(1)),
            CBORMapEntry(.int(5), .bytes([UInt8](repeating: 1, count: ObjectLimits.maxInlineValueBytes - 2))),
        ]).encoded
        let envelope = try COSESign1.sign(payload: over, with: Ledger.sensor).encoded
        let result = try ledger.run([envelope])
        #expect(result.receipts[0].code == "limit-exceeded")
        #expect(result.receipts[0].transactionID == SHA256Hasher.hash(over))
        #expect(try ledger.device(Ledger.sensor)?.lastSequence == 1)
    }
}
