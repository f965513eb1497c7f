public import FogCrypto

/// The keys of state entries in the sparse Merkle tree: `SHA-256(domain ‖ address)` (spec/state.md §1).
///
/// The domain byte keeps an account and a device with the same address apart.
public enum StateKey {
    /// The domain byte of account entries.
    public static let accountDomain: UInt8 = 0x01
    /// The domain byte of device entries.
    public static let deviceDomain: UInt8 = 0x02

    /// The key of the account with address `address`.
    public static func account(_ address: Address) -> Hash256 {
        key(domain: accountDomain, address)
    }

    /// The key of the device with address `address`.
    public static func device(_ address: Address) -> Hash256 {
        key(domain: deviceDomain, address)
    }

    private static func key(domain: UInt8, _ address: Address) -> Hash256 {
        var hasher = SHA256Hasher()
        hasher.update(byte: domain)
        hasher.update(address.bytes)
        return hasher.finalize()
    }
}
