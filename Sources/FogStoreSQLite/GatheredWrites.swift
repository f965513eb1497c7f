/// Writes to one file held in memory as one run of bytes, to be written with one call.
///
/// SQLite writes a commit's WAL frames one after another, each as two writes (its 24-byte header,
/// then its page), and may overwrite a frame of the same transaction in place; both extend or
/// patch the run. A write anywhere else, or past ``capacity``, is refused: the caller writes the run
/// out first.
struct GatheredWrites {
    /// The most bytes held.
    let capacity: Int
    /// The file offset of the first byte held.
    private(set) var offset: Int64 = 0
    /// The bytes held, to be written at ``offset``.
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Whether nothing is held.
    var isEmpty: Bool { bytes.isEmpty }

    /// Holds `source`, to be written at `position`, when it starts the run, extends it, or lies
    /// within it; returns `false` otherwise (the caller writes the run out and tries again, and
    /// writes `source` itself when it is larger than ``capacity``).
    mutating func gather(_ source: UnsafeRawBufferPointer, at position: Int64) -> Bool {
        let count = source.count
        if bytes.isEmpty {
            guard count <= capacity, count > 0 else { return false }
            offset = position
            bytes.append(contentsOf: source)
            return true
        }
        let end = offset + Int64(bytes.count)
        if position >= offset, position + Int64(count) <= end {
            let start = Int(position - offset)
            bytes.withUnsafeMutableBytes { held in
                held.baseAddress!.advanced(by: start).copyMemory(from: source.baseAddress!, byteCount: count)
            }
            return true
        }
        guard position == end, bytes.count + count <= capacity else { return false }
        bytes.append(contentsOf: source)
        return true
    }

    /// Removes and returns what is held: the bytes and the offset they go to.
    mutating func take() -> (offset: Int64, bytes: [UInt8]) {
        let run = (offset, bytes)
        bytes = []
        bytes.reserveCapacity(run.1.count)
        offset = 0
        return run
    }
}
