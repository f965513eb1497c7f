import FogCrypto
import FogStore

/// The entries of the store's transaction-id index (``SortedRuns`` with ``RunLayout/transactions``).
///
/// An entry is `transaction id ‖ height ‖ position` (32 + 8 + 4 bytes, both numbers big-endian), so
/// byte order is (id, height, position) order and every entry is unique.
enum TransactionRunEntries {
    /// Bytes of one entry.
    static let size = 44

    /// The entry of transaction `id` at `location`.
    static func entry(_ id: Hash256, at location: TransactionLocation) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        id.appendBytes(to: &bytes)
        withUnsafeBytes(of: location.height.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: location.index.bigEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// The bounds of `id`'s entries: every entry of `id` is at least `lower` and below `upper`.
    static func bounds(of id: Hash256) -> (lower: [UInt8], upper: [UInt8]) {
        var lower: [UInt8] = []
        id.appendBytes(to: &lower)
        let upper = lower + [UInt8](repeating: 0xFF, count: size - Hash256.byteCount)
        return (lower + [UInt8](repeating: 0, count: size - Hash256.byteCount), upper)
    }

    /// The key of `id` in the runs' filters.
    static func filterKey(_ id: Hash256) -> RunFilter.Key { RunFilter.Key(id.words.0, id.words.1) }

    /// The location an entry names.
    static func location(_ entry: ArraySlice<UInt8>) -> TransactionLocation {
        let heightStart = entry.startIndex + Hash256.byteCount
        let height = SQLiteSchema.bigEndian(entry[heightStart..<(heightStart + 8)])
        let index = SQLiteSchema.bigEndian(entry[(heightStart + 8)..<entry.endIndex])
        return TransactionLocation(height: height, index: UInt32(truncatingIfNeeded: index))
    }

    /// The entries of one block (`ids[i]` at position i), sorted and laid end to end.
    static func sortedRun(_ ids: [Hash256], height: UInt64) -> [UInt8] {
        RunEntries.sorted(ids.enumerated().map { entry($1, at: TransactionLocation(height: height, index: UInt32($0))) })
    }
}
