import FogCrypto
import FogStore
import FogTypes

/// The entries of the store's readings index (``SortedRuns`` with ``RunLayout/readings``): two per
/// reading, one for each way readings are looked up.
///
/// An entry is `kind ‖ device ‖ first ‖ second ‖ height ‖ position` (1 + 20 + 8 + 8 + 8 + 4 bytes,
/// numbers big-endian, so byte order is numeric order):
/// - kind 0, by time: `first` is the reading's time and `second` its sequence number, so a device's
///   readings lie in (time, sequence) order, the order pages are read in;
/// - kind 1, by sequence: `first` is the sequence number and `second` zero.
/// A device's sequence numbers are unique (execution takes each once), so every entry is unique.
enum ReadingRunEntries {
    /// Bytes of one entry.
    static let size = 49

    enum Kind: UInt8 {
        case byTime = 0, bySequence = 1
    }

    /// Where the height starts in an entry.
    private static let heightOffset = 1 + Address.byteCount + 16

    static func entry(_ kind: Kind, _ device: Address, _ first: UInt64, _ second: UInt64,
                      height: UInt64, position: UInt32) -> [UInt8] {
        var bytes = prefix(kind, device, first, second)
        withUnsafeBytes(of: height.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: position.bigEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// `kind ‖ device ‖ first ‖ second`: what precedes the location.
    private static func prefix(_ kind: Kind, _ device: Address, _ first: UInt64, _ second: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        bytes.append(kind.rawValue)
        bytes += device.bytes
        withUnsafeBytes(of: first.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: second.bigEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// A block's entries: both of each reading (`readings[i]` at position i), sorted, end to end.
    static func sortedRun(_ readings: [Reading], height: UInt64) -> [UInt8] {
        RunEntries.sorted(readings.enumerated().flatMap { position, reading in
            [entry(.byTime, reading.device, reading.timeMillis, reading.sequence, height: height, position: UInt32(position)),
             entry(.bySequence, reading.device, reading.sequence, 0, height: height, position: UInt32(position))]
        })
    }

    /// The key of `device` in the runs' filters: its first 16 bytes (an address is part of a digest).
    static func filterKey(_ device: Address) -> RunFilter.Key {
        RunFilter.Key(SQLiteSchema.bigEndian(device.bytes[0..<8]), SQLiteSchema.bigEndian(device.bytes[8..<16]))
    }

    /// The bounds of `device`'s by-time entries with a time in `range` and, when `cursor` is given,
    /// after it (a later time, or its time and a later sequence number): each is at least `lower`
    /// and below `upper`.
    static func timeBounds(_ device: Address, _ range: Range<UInt64>,
                           after cursor: ReadingCursor?) -> (lower: [UInt8], upper: [UInt8]) {
        var lower = prefix(.byTime, device, range.lowerBound, 0) + zeroLocation
        if let cursor, cursor.timeMillis >= range.lowerBound {
            // Above every entry of the cursor's own reading: a height's first byte is below 0xFF.
            let afterCursor = prefix(.byTime, device, cursor.timeMillis, cursor.sequence) + [UInt8](repeating: 0xFF, count: 12)
            if lower.lexicographicallyPrecedes(afterCursor) { lower = afterCursor }
        }
        return (lower, prefix(.byTime, device, range.upperBound, 0) + zeroLocation)
    }

    /// The bounds of `device`'s by-sequence entries of sequence number `sequence`.
    static func sequenceBounds(_ device: Address, _ sequence: UInt64) -> (lower: [UInt8], upper: [UInt8]) {
        let prefix = prefix(.bySequence, device, sequence, 0)
        return (prefix + zeroLocation, prefix + [UInt8](repeating: 0xFF, count: 12))
    }

    private static let zeroLocation = [UInt8](repeating: 0, count: 12)

    /// The height and position an entry names.
    static func location(_ entry: ArraySlice<UInt8>) -> (height: UInt64, position: UInt32) {
        let start = entry.startIndex + heightOffset
        return (SQLiteSchema.bigEndian(entry[start..<(start + 8)]),
                UInt32(truncatingIfNeeded: SQLiteSchema.bigEndian(entry[(start + 8)..<entry.endIndex])))
    }

    /// Whether `entry` is one of `reading`'s two entries.
    static func names(_ entry: ArraySlice<UInt8>, _ reading: Reading) -> Bool {
        let location = location(entry)
        guard let kind = Kind(rawValue: entry[entry.startIndex]) else { return false }
        let expected = switch kind {
        case .byTime: Self.entry(kind, reading.device, reading.timeMillis, reading.sequence,
                                 height: location.height, position: location.position)
        case .bySequence: Self.entry(kind, reading.device, reading.sequence, 0,
                                     height: location.height, position: location.position)
        }
        return entry.elementsEqual(expected)
    }
}
