public import FogCrypto
public import FogMerkle
public import FogTypes

/// The state during a block: the parent state's reader, the writes of envelopes already applied,
/// and the writes of the envelope being applied, which are kept or discarded as one.
///
/// Reads see the newest write of a key. The writes leave as ``StateChange``s sorted by key, never in
/// dictionary order.
public struct StateOverlay<Base: StateReader>: StateReader {
    /// One write: record bytes (`nil` for a removal), or a device record kept decoded and encoded
    /// only when its bytes are read. Each reading reads and rewrites its device's record; decoding
    /// it again (with its COSE key) cost more than the rest of the state checks, and encoding it
    /// after every reading, when a block needs its bytes once, cost as much again.
    private enum Write {
        case bytes([UInt8]?)
        case device(DeviceRecord)

        var bytes: [UInt8]? {
            switch self {
            case .bytes(let bytes): bytes
            case .device(let record): record.encoded
            }
        }
    }

    /// The parent state.
    public let base: Base
    private var committed: [Hash256: Write] = [:]
    private var pending: [Hash256: Write] = [:]

    /// Starts a block on `base`.
    public init(base: Base) {
        self.base = base
    }

    public func record(_ key: Hash256) throws -> [UInt8]? {
        if let write = pending[key] ?? committed[key] { return write.bytes }
        return try base.record(key)
    }

    public func node(_ hash: Hash256, version: UInt64) throws -> SparseMerkleStoredNode? {
        try base.node(hash, version: version)
    }

    /// Writes (or, for `nil`, removes) a record as part of the current envelope.
    public mutating func set(_ key: Hash256, _ record: [UInt8]?) {
        pending[key] = .bytes(record)
    }

    /// The device with address `address`, or `nil`: ``StateReader/device(_:)`` without decoding a
    /// record this overlay wrote with ``setDevice(_:_:)``.
    public func device(_ address: Address) throws -> DeviceRecord? {
        let key = StateKey.device(address)
        if case .device(let record)? = pending[key] ?? committed[key] { return record }
        return try decodedDevice(key)
    }

    /// Writes a device record in the current envelope, keeping it decoded for ``device(_:)``.
    mutating func setDevice(_ address: Address, _ record: DeviceRecord) {
        pending[StateKey.device(address)] = .device(record)
    }

    /// Keeps the current envelope's writes.
    public mutating func commitPending() {
        for (key, write) in pending {
            committed[key] = write
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Discards the current envelope's writes.
    public mutating func discardPending() {
        pending.removeAll(keepingCapacity: true)
    }

    /// The kept writes, sorted by key (each device record encoded here, once, and remembered with its
    /// bytes so that the next block's read of it need not decode them).
    public var changes: [StateChange] {
        committed.keys.sorted().map { key in
            switch committed[key]! {
            case .bytes(let bytes):
                return StateChange(key: key, record: bytes)
            case .device(let record):
                let bytes = record.encoded
                DecodedDeviceRecords.remember(key, bytes, record)
                return StateChange(key: key, record: bytes)
            }
        }
    }

    /// The kept writes of block `height` applied to the tree with root `parentRoot` (held by `base`,
    /// the state after height `height - 1`).
    public func diff(parentRoot: Hash256, height: UInt64) throws -> StateDiff {
        try StateDiff.compute(parentRoot: parentRoot, height: height, changes: changes, nodes: base)
    }
}
