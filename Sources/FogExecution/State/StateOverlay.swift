public import FogCrypto
public import FogMerkle
public import FogTypes

/// The state during a block: the parent state's reader, the writes of envelopes already applied,
/// and the writes of the envelope being applied, which are kept or discarded as one.
///
/// Reads see the newest write of a key. The writes leave as ``StateChange``s sorted by key, never in
/// dictionary order.
public struct StateOverlay<Base: StateReader>: StateReader {
    /// The parent state.
    public let base: Base
    private var committed: [Hash256: [UInt8]?] = [:]
    private var pending: [Hash256: [UInt8]?] = [:]
    /// Device records written with ``setDevice(_:_:)``, decoded: each reading reads and rewrites its
    /// device's record, and decoding it again (with its COSE key) cost more than the rest of the state
    /// checks. An entry exists only while its key's newest write in the same layer is that record.
    private var committedDevices: [Hash256: DeviceRecord] = [:]
    private var pendingDevices: [Hash256: DeviceRecord] = [:]

    /// Starts a block on `base`.
    public init(base: Base) {
        self.base = base
    }

    public func record(_ key: Hash256) throws -> [UInt8]? {
        if let write = pending[key] { return write }
        if let write = committed[key] { return write }
        return try base.record(key)
    }

    public func node(_ hash: Hash256, version: UInt64) throws -> SparseMerkleStoredNode? {
        try base.node(hash, version: version)
    }

    /// Writes (or, for `nil`, removes) a record as part of the current envelope.
    public mutating func set(_ key: Hash256, _ record: [UInt8]?) {
        pending[key] = .some(record)
        pendingDevices.removeValue(forKey: key)
    }

    /// The device with address `address`, or `nil`: ``StateReader/device(_:)`` without decoding a
    /// record this overlay wrote with ``setDevice(_:_:)``.
    public func device(_ address: Address) throws -> DeviceRecord? {
        let key = StateKey.device(address)
        if let record = pendingDevices[key] { return record }
        if pending[key] == nil, let record = committedDevices[key] { return record }
        return try decodedRecord(key)
    }

    /// Writes a device record in the current envelope, keeping it decoded for ``device(_:)``.
    mutating func setDevice(_ address: Address, _ record: DeviceRecord) {
        let key = StateKey.device(address)
        pending[key] = .some(record.encoded)
        pendingDevices[key] = record
    }

    /// Keeps the current envelope's writes.
    public mutating func commitPending() {
        for (key, write) in pending {
            committed[key] = .some(write)
            if let record = pendingDevices[key] {
                committedDevices[key] = record
            } else {
                committedDevices.removeValue(forKey: key)
            }
        }
        pending.removeAll(keepingCapacity: true)
        pendingDevices.removeAll(keepingCapacity: true)
    }

    /// Discards the current envelope's writes.
    public mutating func discardPending() {
        pending.removeAll(keepingCapacity: true)
        pendingDevices.removeAll(keepingCapacity: true)
    }

    /// The kept writes, sorted by key.
    public var changes: [StateChange] {
        committed.keys.sorted().map { StateChange(key: $0, record: committed[$0]!) }
    }

    /// The kept writes of block `height` applied to the tree with root `parentRoot` (held by `base`,
    /// the state after height `height - 1`).
    public func diff(parentRoot: Hash256, height: UInt64) throws -> StateDiff {
        try StateDiff.compute(parentRoot: parentRoot, height: height, changes: changes, nodes: base)
    }
}
