import FogCore
import FogCrypto
import FogDevice
import FogTypes
import Testing

/// A signer standing in for a secure element: it signs through a closure, as a chip driver would.
private struct ClosureSigner: Signer {
    let publicKey: PublicKey
    let sign: @Sendable ([UInt8]) throws -> [UInt8]
    func signature(for message: [UInt8]) throws -> [UInt8] { try sign(message) }
}

@Suite struct SignerTests {
    @Test(arguments: SignatureAlgorithm.allCases)
    func softwareSignerEnvelopesVerifyAndDecode(algorithm: SignatureAlgorithm) throws {
        let key = try PrivateKey(algorithm: algorithm, seed: [UInt8](repeating: 3, count: 32))
        let reading = try Reading(chainID: DeviceFixture.chain, device: key.publicKey.address, sequence: 1,
                                  timeMillis: 5, content: .inline(.text("x")))
        let envelope = try OutboundEnvelope.seal([reading], with: SoftwareSigner(key: key))
        let decoded = try Signed<Reading>(decoding: envelope.bytes, chain: DeviceFixture.chain)
        try decoded.verify(with: key.publicKey)
        #expect(decoded.object == reading)
        #expect(envelope.transactionID == decoded.payloadHash)
        #expect(envelope.sequences == 1...1 && envelope.readingCount == 1)
        #expect(try OutboundEnvelope(decoding: envelope.bytes) == envelope)
    }

    @Test func severalReadingsBecomeOneBatch() throws {
        let readings = DeviceFixture.readings(from: 4, count: 3)
        let envelope = try OutboundEnvelope.seal(readings, with: DeviceFixture.signer)
        let batch = try Signed<ReadingBatch>(decoding: envelope.bytes)
        try batch.verify(with: DeviceFixture.key.publicKey)
        #expect(batch.object.readings == readings)
        #expect(envelope.sequences == 4...6 && envelope.readingCount == 3)
    }

    @Test func anExternalSignerPlugsIn() throws {
        let key = DeviceFixture.key
        let chip = ClosureSigner(publicKey: key.publicKey) { try key.signature(for: $0) }
        let envelope = try OutboundEnvelope.seal(DeviceFixture.readings(count: 1), with: chip)
        try Signed<Reading>(decoding: envelope.bytes).verify(with: key.publicKey)
    }

    @Test func aWrongSignatureIsCaughtBeforeSending() throws {
        let key = DeviceFixture.key
        let broken = ClosureSigner(publicKey: key.publicKey) { _ in [UInt8](repeating: 0, count: 64) }
        #expect(throws: DeviceError.self) { try OutboundEnvelope.seal(DeviceFixture.readings(count: 1), with: broken) }
        struct ChipError: Error {}
        let failing = ClosureSigner(publicKey: key.publicKey) { _ in throw ChipError() }
        do throws(DeviceError) {
            _ = try OutboundEnvelope.seal(DeviceFixture.readings(count: 1), with: failing)
            Issue.record("a failing signer sealed an envelope")
        } catch {
            #expect(error.code == "signing-failed")
        }
    }

    @Test func builderNumbersStrictlyIncreasing() throws {
        var builder = ReadingBuilder(chainID: DeviceFixture.chain, device: DeviceFixture.device, nextSequence: 41)
        let a = try builder.reading(timeMillis: 1, content: .inline(.unsigned(1)))
        let b = try builder.reading(timeMillis: 1, content: .payload(hash: SHA256Hasher.hash([1]), mediaType: "image/jpeg"))
        #expect(a.sequence == 41 && b.sequence == 42 && builder.nextSequence == 43)
        let tooBig = CBORValue.bytes([UInt8](repeating: 0, count: ObjectLimits.maxInlineValueBytes))
        #expect(throws: DeviceError.self) { try builder.reading(timeMillis: 1, content: .inline(tooBig)) }
        #expect(builder.nextSequence == 43, "a refused reading takes no sequence number")
    }
}
