public import FogCrypto
public import FogMerkle

/// Read access to one version of the ledger state: record bytes by state key, and the sparse Merkle
/// nodes (by hash and version) under that version's root.
///
/// The records a reader returns must be those committed by the root the caller executes on; the
/// storage layer guarantees it (it persists records and nodes of a block atomically). Persistent
/// readers may throw their own errors; execution passes them on and applies nothing.
public protocol StateReader: SparseMerkleNodeStore {
    /// The encoded record (``AccountRecord`` or ``DeviceRecord``) stored under `key`, or `nil`.
    func record(_ key: Hash256) throws -> [UInt8]?
}
