import Synchronization

/// Public keys decoded as points and made ready for ``Ed25519Verifier/multiScalarMultiple(_:tables:baseScalar:)``
/// (the odd multiples of A and of 2^128·A, ``Ed25519Verifier/keyTable(of:)``), so that a device
/// signing many readings has its key decoded once: a decoding costs a field exponentiation, and the
/// tables 128 doublings and sixteen further point operations, together more than a batched check.
///
/// Bounded: once it holds `capacity` keys (about 2.6 KB each) it starts over.
final class Ed25519KeyPointCache: Sendable {
    /// The process's cache.
    static let shared = Ed25519KeyPointCache(capacity: 8_192)

    private let capacity: Int
    private let tables = Mutex<[[UInt8]: [CachedPoint]]>([:])

    init(capacity: Int) { self.capacity = capacity }

    /// The odd-multiples table of each key, `nil` for bytes that encode no point.
    func tables(of keys: [[UInt8]]) -> [[CachedPoint]?] {
        var found = tables.withLock { cached in keys.map { cached[$0] } }
        var decoded: [([UInt8], [CachedPoint])] = []
        for index in keys.indices where found[index] == nil {
            guard let point = keys[index].withUnsafeBytes({ EdwardsPoint(encoded: $0) }) else { continue }
            let table = Ed25519Verifier.keyTable(of: point)
            found[index] = table
            decoded.append((keys[index], table))
        }
        if !decoded.isEmpty {
            tables.withLock { cached in
                if cached.count + decoded.count > capacity { cached.removeAll(keepingCapacity: true) }
                for (key, table) in decoded { cached[key] = table }
            }
        }
        return found
    }
}
