import Foundation

/// The pure steps on the entries of sorted runs (``SortedRuns``): cutting a run into chunks,
/// merging sorted runs, and picking the entries of a key range.
///
/// A run is its entries sorted, laid end to end (a "flat" byte array) and cut into chunks of
/// ``RunLayout/perChunk`` entries; entries are compared as bytes.
enum RunEntries {
    /// Whether the `size` bytes of `a` from `aOffset` sort before those of `b` from `bOffset`
    /// (`memcmp` order: the per-byte loop of `lexicographicallyPrecedes` was most of a merge's time).
    @inline(__always)
    static func precedes(_ a: [UInt8], _ aOffset: Int, _ b: [UInt8], _ bOffset: Int, size: Int) -> Bool {
        precondition(aOffset >= 0 && bOffset >= 0 && aOffset + size <= a.count && bOffset + size <= b.count)
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in memcmp(x.baseAddress! + aOffset, y.baseAddress! + bOffset, size) < 0 }
        }
    }

    /// `flat` cut into chunks of `layout`'s ``RunLayout/perChunk`` entries (the last may hold fewer).
    static func chunks(_ flat: [UInt8], _ layout: RunLayout) -> [ArraySlice<UInt8>] {
        stride(from: 0, to: flat.count, by: layout.chunkBytes).map { flat[$0..<min($0 + layout.chunkBytes, flat.count)] }
    }

    /// `entries` (of one size), sorted and laid end to end.
    static func sorted(_ entries: [[UInt8]]) -> [UInt8] {
        entries.sorted { precedes($0, 0, $1, 0, size: $0.count) }.flatMap { $0 }
    }

    /// The entries of `flat` (sorted, each `size` bytes) at least `lower` and below `upper`, in order.
    static func entries(of flat: [UInt8], size: Int, from lower: [UInt8], before upper: [UInt8]) -> [ArraySlice<UInt8>] {
        var found: [ArraySlice<UInt8>] = []
        var offset = 0
        while offset + size <= flat.count {
            let entry = flat[offset..<(offset + size)]
            guard entry.lexicographicallyPrecedes(upper) else { break }
            if !entry.lexicographicallyPrecedes(lower) { found.append(entry) }
            offset += size
        }
        return found
    }

    /// An input of a merge: the entries of one run read so far, in order, after the merge's resume
    /// point; whether they are all the run has left; and the last entry read (where reading goes on).
    struct MergeInput: Sendable {
        let size: Int
        private(set) var flat: [UInt8]
        private(set) var offset = 0
        private(set) var isComplete: Bool
        private(set) var lastRead: [UInt8]?

        init(flat: [UInt8], size: Int, after resumePoint: [UInt8]?, isComplete: Bool) {
            self.size = size
            self.flat = flat
            self.isComplete = isComplete
            lastRead = flat.isEmpty ? resumePoint : Array(flat.suffix(size))
            if let resumePoint {
                while offset < flat.count, !RunEntries.precedes(resumePoint, 0, flat, offset, size: size) {
                    offset += size
                }
            }
        }

        var isDrained: Bool { offset >= flat.count }

        /// Whether this input's head sorts before `other`'s (neither drained).
        func headPrecedes(_ other: MergeInput) -> Bool {
            RunEntries.precedes(flat, offset, other.flat, other.offset, size: size)
        }

        /// Appends the head to `merged` and moves past it.
        mutating func takeHead(into merged: inout [UInt8]) {
            merged.append(contentsOf: flat[offset..<(offset + size)])
            offset += size
        }

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
        guard let size = inputs.first?.size else { return nil }
        merged.reserveCapacity(limit * size)
        while merged.count < limit * size {
            if let waiting = inputs.firstIndex(where: { $0.isDrained && !$0.isComplete }) { return waiting }
            var smallest: Int?
            for index in inputs.indices where !inputs[index].isDrained {
                if let current = smallest, !inputs[index].headPrecedes(inputs[current]) { continue }
                smallest = index
            }
            guard let smallest else { return nil }
            inputs[smallest].takeHead(into: &merged)
        }
        return nil
    }

    /// Whether every input is drained and complete: the merge is done.
    static func isFinished(_ inputs: [MergeInput]) -> Bool {
        inputs.allSatisfy { $0.isDrained && $0.isComplete }
    }
}
