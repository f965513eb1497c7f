import FogCore
import FogDevice
import FogTypes
import Testing

@Suite struct ReadingBatcherTests {
    @Test func sealsAtTheCountLimit() {
        var batcher = ReadingBatcher(limits: BatchLimits(maxReadings: 3, maxAgeMillis: 10_000))
        let readings = DeviceFixture.readings(count: 7)
        var sealed: [[Reading]] = []
        for reading in readings { sealed += batcher.add(reading, nowMillis: 0) }
        #expect(sealed.map { $0.map(\.sequence) } == [[1, 2, 3], [4, 5, 6]])
        #expect(batcher.open.map(\.sequence) == [7])
        #expect(batcher.sealNow()?.map(\.sequence) == [7])
        #expect(batcher.sealNow() == nil)
    }

    @Test func sealsAtTheAgeLimit() {
        var batcher = ReadingBatcher(limits: BatchLimits(maxReadings: 100, maxAgeMillis: 500))
        let readings = DeviceFixture.readings(count: 3)
        #expect(batcher.add(readings[0], nowMillis: 1_000).isEmpty)
        #expect(batcher.add(readings[1], nowMillis: 1_200).isEmpty)
        #expect(batcher.dueAtMillis == 1_500)
        #expect(batcher.sealIfDue(nowMillis: 1_499) == nil)
        #expect(batcher.sealIfDue(nowMillis: 1_500)?.count == 2)
        // A reading arriving after its batch is due seals it at once.
        #expect(batcher.add(readings[2], nowMillis: 2_000).isEmpty)
        #expect(batcher.sealIfDue(nowMillis: 2_600)?.map(\.sequence) == [3])
    }

    @Test func sealsBeforeTheByteLimitAndEveryBatchEncodesWithinIt() throws {
        let limits = BatchLimits(maxReadings: 1_000, maxAgeMillis: 60_000, maxPayloadBytes: 4_096)
        var batcher = ReadingBatcher(limits: limits)
        var builder = ReadingBuilder(chainID: DeviceFixture.chain, device: DeviceFixture.device)
        var sealed: [[Reading]] = []
        for index in 0..<200 {
            let value = CBORValue.bytes([UInt8](repeating: UInt8(index & 0xFF), count: 100))
            sealed += batcher.add(try builder.reading(timeMillis: UInt64(index), content: .inline(value)), nowMillis: 0)
        }
        #expect(sealed.count >= 4)
        for group in sealed {
            let batch = try ReadingBatch(chainID: DeviceFixture.chain, device: DeviceFixture.device, readings: group)
            #expect(batch.encoded.count <= 4_096)
        }
        #expect(sealed.flatMap { $0 }.map(\.sequence) == Array(1...UInt64(sealed.flatMap { $0 }.count)))
    }

    @Test func limitsAreClampedToTheLedgers() {
        let limits = BatchLimits(maxReadings: 1_000_000, maxAgeMillis: 1, maxPayloadBytes: Int.max)
        #expect(limits.maxReadings == ObjectLimits.maxBatchReadings)
        #expect(limits.maxPayloadBytes == ObjectLimits.maxPayloadBytes)
        #expect(BatchLimits(maxReadings: 0).maxReadings == 1)
    }
}
