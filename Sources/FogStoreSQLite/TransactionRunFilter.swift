import FogCrypto
import FogStore

/// A Bloom filter over the transaction ids of one run (``TransactionRuns``), so that a lookup reads
/// only the runs that may hold its id instead of every live run.
///
/// Transaction ids are SHA-256 digests, so their first two 64-bit words serve as the two hashes of
/// double hashing directly. With ``bitsPerID`` bits per id and ``probes`` probes, about 1 % of the
/// runs without an id answer "maybe" (a wasted read); a run that holds an id always does. A filter
/// holding more ids than it was sized for stays correct and only answers "maybe" more often.
struct TransactionRunFilter: Sendable, Equatable {
    /// Bits per id the filter is sized for.
    static let bitsPerID = 10
    /// Bits set and tested per id.
    static let probes = 7

    /// The bits, 64 to a word.
    private(set) var words: [UInt64]
    /// The ids added so far (an id added twice counts twice).
    private(set) var count: Int

    /// An empty filter sized for `capacity` ids.
    init(capacity: Int) {
        words = [UInt64](repeating: 0, count: max(1, (max(capacity, 1) * Self.bitsPerID + 63) / 64))
        count = 0
    }

    /// Adds transaction `id`.
    mutating func insert(_ id: Hash256) {
        // A loop, not a closure over `self`: a closure that changed the words while a method of the
        // filter ran made Swift copy them for every id added.
        let bitCount = UInt64(words.count * 64)
        for probe in 0..<UInt64(Self.probes) {
            let (word, mask) = Self.bit(probe, of: id, bitCount: bitCount)
            words[word] |= mask
        }
        count += 1
    }

    /// Adds the ids of the flat entries `flat` (``TransactionRunEntries``).
    mutating func insert(entries flat: [UInt8]) {
        for id in TransactionRunEntries.ids(in: flat) { insert(id) }
    }

    /// Whether the run may hold transaction `id`: false only when it certainly does not.
    func mayContain(_ id: Hash256) -> Bool {
        let bitCount = UInt64(words.count * 64)
        for probe in 0..<UInt64(Self.probes) {
            let (word, mask) = Self.bit(probe, of: id, bitCount: bitCount)
            guard words[word] & mask != 0 else { return false }
        }
        return true
    }

    /// The word and mask of the bit that probe `probe` of `id` selects among `bitCount` bits (double
    /// hashing on the id's first two words, mapped onto the bits by a multiply and shift).
    private static func bit(_ probe: UInt64, of id: Hash256, bitCount: UInt64) -> (word: Int, mask: UInt64) {
        let bit = (id.words.0 &+ probe &* (id.words.1 | 1)).multipliedFullWidth(by: bitCount).high
        return (Int(bit / 64), 1 << (bit % 64))
    }

    // MARK: stored form

    /// `count ‖ words`, each a big-endian 64-bit word (`tx_runs.id_filter`).
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
            throw StoreError(.corrupt, "a transaction-run filter of \(bytes.count) bytes")
        }
        let stored = stride(from: 0, to: bytes.count, by: 8).map { SQLiteSchema.bigEndian(bytes[$0..<($0 + 8)]) }
        guard let count = Int(exactly: stored[0]) else {
            throw StoreError(.corrupt, "a transaction-run filter counting \(stored[0]) ids")
        }
        self.count = count
        words = Array(stored.dropFirst())
    }
}
