public import FogCrypto
public import FogExecution

/// The named limits of the ``FutureNonceQueue``.
public struct FutureNonceLimits: Hashable, Sendable {
    /// The most envelopes held for one signer.
    public var maxPerSigner: Int
    /// The most envelopes held in all.
    public var maxTotal: Int

    /// Creates limits.
    public init(maxPerSigner: Int = 64, maxTotal: Int = 4_096) {
        self.maxPerSigner = maxPerSigner
        self.maxTotal = maxTotal
    }
}

/// Account transactions that arrived before the transaction with the nonce they follow (gossip from
/// several validators may deliver nonce 6 before nonce 5): they are held here, by signer and nonce,
/// and admitted once their predecessor is (spec/mempool.md). Bounded per signer and in all; when a
/// bound is reached the newcomer is refused, never an envelope already held.
public struct FutureNonceQueue: Sendable {
    /// The limits.
    public let limits: FutureNonceLimits
    private var held: [Address: [UInt64: PreparedEnvelope]] = [:]
    /// The number of envelopes held.
    public private(set) var count = 0

    /// An empty queue.
    public init(limits: FutureNonceLimits = FutureNonceLimits()) {
        self.limits = limits
    }

    /// Holds `envelope`, `signer`'s transaction with `nonce`. Returns whether it was kept (not when a
    /// bound is reached or an envelope with that nonce is already held).
    public mutating func hold(_ envelope: PreparedEnvelope, signer: Address, nonce: UInt64) -> Bool {
        guard count < limits.maxTotal else { return false }
        var forSigner = held[signer, default: [:]]
        guard forSigner.count < limits.maxPerSigner, forSigner[nonce] == nil else { return false }
        forSigner[nonce] = envelope
        held[signer] = forSigner
        count += 1
        return true
    }

    /// Removes and returns `signer`'s held transaction with `nonce`, if any.
    public mutating func take(signer: Address, nonce: UInt64) -> PreparedEnvelope? {
        guard let envelope = held[signer]?.removeValue(forKey: nonce) else { return nil }
        if held[signer]?.isEmpty == true { held[signer] = nil }
        count -= 1
        return envelope
    }

    /// Drops `signer`'s held transactions with nonces below `nonce` (they can never apply).
    public mutating func dropBelow(_ nonce: UInt64, signer: Address) {
        guard let forSigner = held[signer] else { return }
        let kept = forSigner.filter { $0.key >= nonce }
        count -= forSigner.count - kept.count
        held[signer] = kept.isEmpty ? nil : kept
    }

    /// The signers with held transactions, in address order.
    public var signers: [Address] { held.keys.sorted() }
}
