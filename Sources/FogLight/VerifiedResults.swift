public import FogCrypto
public import FogTypes

/// A reading a `LightVerifier` has shown to be committed by the chain of a trusted genesis.
public struct VerifiedReading: Hashable, Sendable {
    /// The reading.
    public let reading: Reading
    /// The height of the block that committed it.
    public let height: UInt64
    /// That block's time, milliseconds since the Unix epoch.
    public let blockTimeMillis: UInt64
    /// That block's id.
    public let blockID: Hash256
}

/// A state entry a `LightVerifier` has shown to hold (or be absent) at a height of the chain of a
/// trusted genesis.
public struct VerifiedState: Hashable, Sendable {
    /// The state key.
    public let key: Hash256
    /// The record's bytes (SHA-256 of them is the key's value hash), or `nil`: the key is absent.
    public let record: [UInt8]?
    /// The height whose state the proof is against.
    public let height: UInt64
    /// That block's time, milliseconds since the Unix epoch.
    public let blockTimeMillis: UInt64
    /// That block's id.
    public let blockID: Hash256
    /// The state root the proof was checked against.
    public let stateRoot: Hash256
}
