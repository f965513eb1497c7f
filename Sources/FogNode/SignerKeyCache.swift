public import FogCrypto
import Synchronization

/// The key each recently seen signer held at its last admission, shared by every request task so
/// that signatures are verified before admission, outside the node's actor, on any core.
///
/// A stale entry is harmless: admission skips re-verification only when the key in state is the
/// one the signature was verified with. The cache holds at most ``capacity`` signers and starts
/// over when full.
public final class SignerKeyCache: Sendable {
    /// The most signers remembered at once.
    public let capacity: Int
    private let keys = Mutex<[Address: PublicKey]>([:])

    /// An empty cache for at most `capacity` signers.
    public init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    /// The key `signer` held at its last admission, if remembered.
    public func key(of signer: Address) -> PublicKey? {
        keys.withLock { $0[signer] }
    }

    /// Remembers `key` as `signer`'s.
    public func remember(_ key: PublicKey, for signer: Address) {
        keys.withLock { keys in
            if keys[signer] == key { return }
            if keys.count >= capacity { keys.removeAll(keepingCapacity: true) }
            keys[signer] = key
        }
    }

    /// How many signers are remembered.
    public var count: Int { keys.withLock { $0.count } }
}
