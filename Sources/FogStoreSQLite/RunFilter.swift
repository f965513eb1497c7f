import FogStore

/// A Bloom filter over the keys of one run's entries (``SortedRuns``; a transaction's id, a
/// reading's device), so that a lookup reads only the runs that may hold its key instead of every
/// live run.
///
/// Keys are 16 bytes of a SHA-256 digest (``RunLayout/filterKeyOffset``), so their two 64-bit words
/// serve as the two hashes of double hashing directly. With ``bitsPerKey`` bits per key and
/// ``probes`` probes, about 1 % of the runs without a key answer "maybe" (a wasted read); a run that
/// holds a key always does. A filter holding more keys than it was sized for stays correct and only
/// answers "maybe" more often.
struct RunFilter: Sendable, Equatable {
    /// The two words of a key.
    struct Key: Equatable {
        let first: UInt64
        let second: UInt64

        init(_ first: UInt64, _ second: UInt64) {
            self.first = first
            self.second = second
        }
    }

    /// Bits per key the filter is sized for.
    static let bitsPerKey = 10
    /// Bits set and tested per key.
    static let probes = 7

    /// The bits, 64 to a word.
    private(set) var words: [UInt64]
    /// The keys added so far (a key added twice counts twice).
    private(set) var count: Int

    /// An empty filter sized for `capacity` keys.
    init(capacity: Int) {
        words = [UInt64](repeating: 0, count: max(1, (max(capacity, 1) * Self.bitsPerKey + 63) / 64))
        count = 0
    }

    /// Adds `key`.
    mutating func insert(_ key: Key) {
        // A loop, not a closure over `self`: a closure that changed the words while a method of the
        // filter ran made Swift copy them for every key added.
        let bitCount = UInt64(words.count * 64)
        for probe in 0..<UInt64(Self.probes) {
            let (word, mask) = Self.bit(probe, of: key, bitCount: bitCount)
            words[word] |= mask
        }
        count += 1
    }

    /// Adds the keys of the flat entries `flat`, laid out as `layout` says.
    mutating func insert(entries flat: [UInt8], _ layout: RunLayout) {
        for offset in stride(from: 0, to: flat.count - layout.entrySize + 1, by: layout.entrySize) {
            insert(layout.filterKey(flat, at: offset))
        }
    }

    /// Whether the run may hold `key`: false only when it certainly does not.
    func mayContain(_ key: Key) -> Bool {
        let bitCount = UInt64(words.count * 64)
        for probe in 0..<UInt64(Self.probes) {
            let (word, mask) = Self.bit(probe, of: key, bitCount: bitCount)
            guard words[word] & mask != 0 else { return false }
        }
        return true
    }

    /// The word and mask of the bit that probe `probe` of `key` selects among `bitCount` bits (double
    /// hashing on the key's two words, mapped onto the bits by a multiply and shift).
    private static func bit(_ probe: UInt64, of key: Key, bitCount: UInt64) -> (word: Int, mask: UInt64) {
        let bit = (key.first &+ probe &* (key.second | 1)).multipliedFullWidth(by: bitCount).high
        return (Int(bit / 64), 1 << (bit % 64))
    }

    // MARK: stored form

    /// `count ‖ words`, each a big-endian 64-bit word (the runs table's `id_filter`).
    var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 * (words.count + 1))
        for word in [UInt64(count)] + words {
            withUnsafeBytes(of: word.bigEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Decodes ``encoded``; throws ``StoreError/Code/corrupt`` for anything else.
    init(encoded bytes: [UInt8]) throws {
        guard bytes.count >= 16, bytes.count % 8 == 0 else {
            throw StoreError(.corrupt, "a run filter of \(bytes.count) bytes")
        }
        let stored = stride(from: 0, to: bytes.count, by: 8).map { SQLiteSchema.bigEndian(bytes[$0..<($0 + 8)]) }
        guard let count = Int(exactly: stored[0]) else {
            throw StoreError(.corrupt, "a run filter counting \(stored[0]) keys")
        }
        self.count = count
        words = Array(stored.dropFirst())
    }
}
