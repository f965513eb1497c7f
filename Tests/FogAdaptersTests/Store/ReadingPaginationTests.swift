import FogCrypto
import FogStore
import FogTypes
import Testing

@Suite("Reading pagination")
struct ReadingPaginationTests {
    static let sensor = StoreChain.sensors[0]
    static let other = StoreChain.sensors[1]
    static let base: UInt64 = 1_700_000_500_000

    /// A store with `sensor`'s readings 1...25 at times base + 10·seq (several per time slot for
    /// seq 21...25, which share base + 1000), spread over five blocks, and some of `other`'s.
    static func populated(_ kind: StoreKind) throws -> (TestStore, StoreChain) {
        let test = try kind.make()
        var chain = test.chain
        try chain.commit([sensor, other].map { chain.tx(StoreChain.alice, StoreChain.registration($0)) })
        for block in 0..<5 {
            var envelopes: [[UInt8]] = []
            for offset in 1...5 {
                let sequence = UInt64(block * 5 + offset)
                envelopes.append(chain.reading(sensor, timeMillis: sequence > 20 ? base + 1_000 : base + 10 * sequence))
                envelopes.append(chain.reading(other, timeMillis: base + 10 * sequence))
            }
            try chain.commit(envelopes)
        }
        return (test, chain)
    }

    static func all(_ store: any LedgerStore, _ device: Address, _ range: Range<UInt64>, limit: Int) throws -> [StoredReading] {
        var result: [StoredReading] = []
        var cursor: ReadingCursor?
        repeat {
            let page = try store.readings(device: device, timeMillis: range, after: cursor, limit: limit)
            #expect(page.readings.count <= limit)
            result += page.readings
            cursor = page.next
        } while cursor != nil
        return result
    }

    @Test(arguments: StoreKind.allCases)
    func pagesCoverTheRangeInOrder(kind: StoreKind) throws {
        let (test, _) = try Self.populated(kind)
        let device = Self.sensor.publicKey.address
        let whole = try test.store.readings(device: device, timeMillis: 0..<UInt64.max, after: nil, limit: StoreLimits.maxReadingsPage)
        #expect(whole.readings.map(\.reading.sequence) == Array(1...25))
        #expect(whole.readings.allSatisfy { $0.reading.device == device })
        #expect(whole.next == nil)
        for limit in [1, 2, 7, 10, 24, 25, 26] {
            let paged = try Self.all(test.store, device, 0..<UInt64.max, limit: limit)
            #expect(paged == whole.readings, "page size \(limit)")
        }
        // Exactly a page's worth: the page is full and the next is empty but announced.
        let first = try test.store.readings(device: device, timeMillis: 0..<UInt64.max, after: nil, limit: 25)
        #expect(first.readings.count == 25 && first.next == nil)
        // A time range: [base + 50, base + 1000) holds sequences 5...20.
        let ranged = try Self.all(test.store, device, (Self.base + 50)..<(Self.base + 1_000), limit: 4)
        #expect(ranged.map(\.reading.sequence) == Array(5...20))
        #expect(try test.store.readings(device: device, timeMillis: 5..<5, after: nil, limit: 3).readings.isEmpty)
        // An unknown device has no readings.
        let nobody = StoreChain.sensors[3].publicKey.address
        #expect(try test.store.readings(device: nobody, timeMillis: 0..<UInt64.max, after: nil, limit: 3)
                == ReadingPage(readings: [], next: nil))
    }

    @Test(arguments: StoreKind.allCases)
    func cursorsStayStableAsReadingsArrive(kind: StoreKind) throws {
        var (test, chain) = try Self.populated(kind)
        let device = Self.sensor.publicKey.address
        let first = try test.store.readings(device: device, timeMillis: 0..<UInt64.max, after: nil, limit: 10)
        let cursor = try #require(first.next)
        #expect(cursor == ReadingCursor(first.readings.last!.reading))
        #expect(ReadingCursor(token: cursor.token) == cursor)
        let before = try test.store.readings(device: device, timeMillis: 0..<UInt64.max, after: cursor, limit: 10)
        // New readings: later ones, and one timed before the cursor (devices' clocks are their own).
        try chain.commit([chain.reading(Self.sensor, timeMillis: Self.base + 2_000),
                          chain.reading(Self.sensor, timeMillis: Self.base)])
        let after = try test.store.readings(device: device, timeMillis: 0..<UInt64.max, after: cursor, limit: 10)
        #expect(after == before)
        let rest = try Self.all(test.store, device, 0..<UInt64.max, limit: 10)
        #expect(rest.map(\.reading.sequence) == [27] + Array(1...25) + [26])
    }

    @Test(arguments: StoreKind.allCases)
    func pageSizeIsBounded(kind: StoreKind) throws {
        let (test, _) = try Self.populated(kind)
        let device = Self.sensor.publicKey.address
        for limit in [0, -1, StoreLimits.maxReadingsPage + 1] {
            #expect { try test.store.readings(device: device, timeMillis: 0..<UInt64.max, after: nil, limit: limit) }
                throws: { ($0 as? StoreError)?.code == .invalidPageSize }
        }
        #expect(try test.store.readings(device: device, timeMillis: 0..<UInt64.max, after: nil,
                                        limit: StoreLimits.maxReadingsPage).readings.count == 25)
    }

    @Test func cursorTokens() {
        let cursor = ReadingCursor(timeMillis: UInt64.max, sequence: 1)
        #expect(cursor.token == "ffffffffffffffff-0000000000000001")
        #expect(ReadingCursor(token: cursor.token) == cursor)
        for bad in ["", "-", "1-2", "ffffffffffffffff", "ffffffffffffffff-000000000000000g", "ffffffffffffffff-00000000000000001"] {
            #expect(ReadingCursor(token: bad) == nil, "\(bad)")
        }
    }
}
