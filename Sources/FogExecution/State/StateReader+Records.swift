public import FogCrypto
public import FogTypes

/// A stored record that does not decode: the store is corrupt (never a user's fault).
public struct StateCorruption: Error, Hashable, Sendable, CustomStringConvertible {
    /// The key whose record is bad.
    public let key: Hash256
    /// Why it does not decode.
    public let error: ObjectError

    public var description: String { "state record \(key) is corrupt: \(error)" }
}

extension StateReader {
    /// The account with address `address`, or `nil`.
    public func account(_ address: Address) throws -> AccountRecord? {
        try decodedRecord(StateKey.account(address))
    }

    /// The device with address `address`, or `nil`.
    public func device(_ address: Address) throws -> DeviceRecord? {
        try decodedDevice(StateKey.device(address))
    }

    /// The device record stored under `key`, decoded at most once per encoding (``DecodedDeviceRecords``).
    func decodedDevice(_ key: Hash256) throws -> DeviceRecord? {
        try decodedRecord(key) { bytes throws(ObjectError) in try DecodedDeviceRecords.decode(key, bytes) }
    }

    func decodedRecord<Record: CanonicalObject>(_ key: Hash256) throws -> Record? {
        try decodedRecord(key) { bytes throws(ObjectError) in try Record.decode(bytes) }
    }

    /// The record under `key` as `decode` reads it, or `nil`; bytes it refuses throw ``StateCorruption``.
    func decodedRecord<Record>(_ key: Hash256, _ decode: ([UInt8]) throws(ObjectError) -> Record) throws -> Record? {
        guard let bytes = try record(key) else { return nil }
        do {
            return try decode(bytes)
        } catch {
            throw StateCorruption(key: key, error: error)
        }
    }
}

extension StateOverlay {
    /// Writes an account record in the current envelope.
    mutating func setAccount(_ address: Address, _ record: AccountRecord) {
        set(StateKey.account(address), record.encoded)
    }
}
