import Synchronization

/// Public keys decoded as points, so that a device signing many readings has its key decoded once
/// (a decoding costs a field exponentiation, about a sixth of a batched signature check).
///
/// Bounded: once it holds `capacity` keys it starts over.
final class Ed25519KeyPointCache: Sendable {
    /// The process's cache.
    static let shared = Ed25519KeyPointCache(capacity: 16_384)

    private let capacity: Int
    private let points = Mutex<[[UInt8]: EdwardsPoint]>([:])

    init(capacity: Int) { self.capacity = capacity }

    /// The point of each key, `nil` for bytes that encode none.
    func points(of keys: [[UInt8]]) -> [EdwardsPoint?] {
        var found = points.withLock { cached in keys.map { cached[$0] } }
        var decoded: [([UInt8], EdwardsPoint)] = []
        for index in keys.indices where found[index] == nil {
            guard let point = keys[index].withUnsafeBytes({ EdwardsPoint(encoded: $0) }) else { continue }
            found[index] = point
            decoded.append((keys[index], point))
        }
        if !decoded.isEmpty {
            points.withLock { cached in
                if cached.count + decoded.count > capacity { cached.removeAll(keepingCapacity: true) }
                for (key, point) in decoded { cached[key] = point }
            }
        }
        return found
    }
}
