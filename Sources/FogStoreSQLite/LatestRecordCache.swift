import FogCrypto
import FogExecution
import Synchronization

/// Records of the latest state recently read or written, by state key (`nil` for an absent key),
/// so that admission and execution read a device's or an account's record from memory instead of
/// through one SQLite read transaction each.
///
/// The store updates the cache with every committed block's changes, under the lock, together with
/// the height the cache is at. A record read from the database enters the cache only if it was read
/// at that height: a read that began before a commit cannot put back a value the commit replaced.
/// The cache holds at most ``capacity`` records and starts over when full.
final class LatestRecordCache: Sendable {
    private struct Contents {
        var height: UInt64
        var records: [Hash256: [UInt8]?] = [:]
    }

    /// The most records held at once.
    let capacity: Int
    private let contents: Mutex<Contents>

    /// An empty cache of the state at `height`, for at most `capacity` records (0: nothing is cached).
    init(capacity: Int, height: UInt64) {
        self.capacity = max(0, capacity)
        contents = Mutex(Contents(height: height))
    }

    /// The record under `key` at the cache's height (`.some(nil)`: absent), or `nil` when not cached.
    func record(_ key: Hash256) -> [UInt8]?? {
        contents.withLock { $0.records[key] }
    }

    /// Caches a record read from the database at `height`, unless a later commit moved the cache on.
    func insert(_ record: [UInt8]?, for key: Hash256, readAt height: UInt64) {
        guard capacity > 0 else { return }
        contents.withLock { contents in
            guard contents.height == height else { return }
            if contents.records.count >= capacity { contents.records.removeAll(keepingCapacity: true) }
            contents.records[key] = .some(record)
        }
    }

    /// Applies a committed block's changes: the cache is then at `height`.
    func apply(_ changes: [StateChange], height: UInt64) {
        contents.withLock { contents in
            contents.height = height
            guard capacity > 0 else { return }
            if contents.records.count + changes.count > capacity { contents.records.removeAll(keepingCapacity: true) }
            for change in changes {
                contents.records[change.key] = .some(change.record)
            }
        }
    }
}
