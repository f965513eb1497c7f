import FogCrypto
import FogNode
import Testing

@Suite struct MempoolTests {
    static func id(_ tag: UInt8) -> Hash256 { SHA256Hasher.hash([tag]) }

    @Test func keepsArrivalOrderAndDeduplicates() throws {
        var pool = Mempool(limits: MempoolLimits(maxCount: 10, maxBytes: 1_000))
        try pool.add(id: Self.id(1), bytes: [1])
        try pool.add(id: Self.id(2), bytes: [2, 2])
        #expect(throws: Mempool.Refusal.duplicate) { try pool.add(id: Self.id(1), bytes: [9]) }
        #expect(pool.count == 2 && pool.byteCount == 3 && pool.contains(Self.id(2)))
        let taken = pool.take(maxCount: 10, maxBytes: 1_000)
        #expect(taken.map(\.id) == [Self.id(1), Self.id(2)])
        #expect(pool.count == 0 && pool.byteCount == 0 && !pool.contains(Self.id(1)))
        // Taken ids may come again (a later block decides what a replay means).
        try pool.add(id: Self.id(1), bytes: [1])
    }

    @Test func countAndByteLimitsHoldAtTheLimit() throws {
        var pool = Mempool(limits: MempoolLimits(maxCount: 3, maxBytes: 10))
        try pool.add(id: Self.id(1), bytes: [UInt8](repeating: 0, count: 4))
        try pool.add(id: Self.id(2), bytes: [UInt8](repeating: 0, count: 6))  // exactly 10 bytes
        #expect(!pool.fits(1))
        #expect(throws: Mempool.Refusal.full) { try pool.add(id: Self.id(3), bytes: [0]) }
        _ = pool.take(maxCount: 1, maxBytes: 100)
        try pool.add(id: Self.id(3), bytes: [0, 0])
        try pool.add(id: Self.id(4), bytes: [0])  // exactly 3 envelopes
        #expect(pool.count == 3 && pool.byteCount == 9)
        #expect(throws: Mempool.Refusal.full) { try pool.add(id: Self.id(5), bytes: []) }
    }

    @Test func takeRespectsBlockLimitsButAlwaysTakesOne() throws {
        var pool = Mempool(limits: MempoolLimits(maxCount: 10, maxBytes: 1_000))
        for tag in UInt8(1)...5 { try pool.add(id: Self.id(tag), bytes: [UInt8](repeating: tag, count: 10)) }
        #expect(pool.take(maxCount: 2, maxBytes: 1_000).map(\.id) == [Self.id(1), Self.id(2)])
        #expect(pool.take(maxCount: 10, maxBytes: 25).map(\.id) == [Self.id(3), Self.id(4)])
        #expect(pool.take(maxCount: 10, maxBytes: 5).map(\.id) == [Self.id(5)])
        #expect(pool.take(maxCount: 10, maxBytes: 5).isEmpty)
    }
}
