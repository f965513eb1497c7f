import FogCrypto
import FogStore

/// The entries of the store's transaction-id runs (``TransactionRuns``) and the pure steps on them:
/// encoding, cutting a run into chunks, and merging sorted runs.
///
/// An entry is `transaction id ‖ height ‖ position` (32 + 8 + 4 bytes, both numbers big-endian), so
/// byte order is (id, height, position) order and every entry is unique. A run is its entries sorted,
/// laid end to end (a "flat" byte array) and cut into chunks of ``perChunk`` entries.
enum TransactionRunEntries {
    /// Bytes of one entry.
    static let size = 44
    /// Entries in a chunk: a chunk row (1,892 bytes of entries, its first key and its run) fills a
    /// 2 KiB page without spilling to an overflow page (a table row stays in its page up to 2,013
    /// bytes there).
    static let perChunk = 43
    /// Bytes of a full chunk.
    static let chunkBytes = size * perChunk
    /// Sorts after every entry: a height's first byte is below 0x80 (heights stay below 2^63).
    static let afterAll = [UInt8](repeating: 0xFF, count: size + 1)

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

    /// The locations of `id` among the flat entries `flat` (in their order).
    static func locations(of id: Hash256, in flat: [UInt8]) -> [TransactionLocation] {
        let idBytes = id.bytes
        var found: [TransactionLocation] = []
        var offset = 0
        while offset + size <= flat.count {
            if flat[offset..<(offset + Hash256.byteCount)].elementsEqual(idBytes) {
                found.append(location(flat, at: offset))
            }
            offset += size
        }
        return found
    }

    /// The transaction id of each of the flat entries `flat`, in their order.
    static func ids(in flat: [UInt8]) -> [Hash256] {
        stride(from: 0, to: flat.count - size + 1, by: size).compactMap { Hash256(bytes: flat[$0..<($0 + Hash256.byteCount)]) }
    }

    /// The location of the entry at byte `offset` of `flat`.
    static func location(_ flat: [UInt8], at offset: Int) -> TransactionLocation {
        let heightStart = offset + Hash256.byteCount
        let height = SQLiteSchema.bigEndian(flat[heightStart..<(heightStart + 8)])
        let index = SQLiteSchema.bigEndian(flat[(heightStart + 8)..<(offset + size)])
        return TransactionLocation(height: height, index: UInt32(truncatingIfNeeded: index))
    }

    /// The entries of one block, sorted and laid end to end.
    static func sortedRun(_ ids: [Hash256], height: UInt64) -> [UInt8] {
        let entries = ids.enumerated().map { entry($1, at: TransactionLocation(height: height, index: UInt32($0))) }
        return entries.sorted { $0.lexicographicallyPrecedes($1) }.flatMap { $0 }
    }

    /// `flat` cut into chunks of ``perChunk`` entries (the last one may hold fewer).
    static func chunks(_ flat: [UInt8]) -> [ArraySlice<UInt8>] {
        stride(from: 0, to: flat.count, by: chunkBytes).map { flat[$0..<min($0 + chunkBytes, flat.count)] }
    }

    /// An input of a merge: the entries of one run read so far, in order, after the merge's resume
    /// point; whether they are all the run has left; and the last entry read (where reading goes on).
    struct MergeInput {
        private(set) var flat: [UInt8]
        private(set) var offset = 0
        private(set) var isComplete: Bool
        private(set) var lastRead: [UInt8]?

        init(flat: [UInt8], after resumePoint: [UInt8]?, isComplete: Bool) {
            self.flat = flat
            self.isComplete = isComplete
            lastRead = flat.isEmpty ? resumePoint : Array(flat.suffix(size))
            if let resumePoint {
                while offset < flat.count, !resumePoint.lexicographicallyPrecedes(flat[offset..<(offset + size)]) {
                    offset += size
                }
            }
        }

        var isDrained: Bool { offset >= flat.count }
        var head: ArraySlice<UInt8> { flat[offset..<(offset + size)] }

        mutating func takeHead() { offset += size }

        /// Adds the run's next entries, read after ``lastRead``; `isComplete` when they are its last.
        mutating func append(_ more: [UInt8], isComplete: Bool) {
            flat = Array(flat[offset...]) + more
            offset = 0
            self.isComplete = isComplete
            if !more.isEmpty { lastRead = Array(more.suffix(size)) }
        }
    }

    /// Appends the smallest entries of `inputs` to `merged` in order until it holds `limit` entries.
    /// Stops early at an input that is not complete and has nothing left in hand (its next entries
    /// are unknown): its index is returned, to be read further. Returns nil otherwise.
    static func merge(_ inputs: inout [MergeInput], into merged: inout [UInt8], limit: Int) -> Int? {
        while merged.count < limit * size {
            if let waiting = inputs.firstIndex(where: { $0.isDrained && !$0.isComplete }) { return waiting }
            var smallest: Int?
            for index in inputs.indices where !inputs[index].isDrained {
                if let current = smallest, !inputs[index].head.lexicographicallyPrecedes(inputs[current].head) { continue }
                smallest = index
            }
            guard let smallest else { return nil }
            merged.append(contentsOf: inputs[smallest].head)
            inputs[smallest].takeHead()
        }
        return nil
    }

    /// Whether every input is drained and complete: the merge is done.
    static func isFinished(_ inputs: [MergeInput]) -> Bool {
        inputs.allSatisfy { $0.isDrained && $0.isComplete }
    }
}
