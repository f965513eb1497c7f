import FogCrypto
import FogTypes
import Synchronization

/// Device records recently written or decoded, by state key, with the bytes they encode to.
///
/// Every reading reads its device's record (sequence number, key, status) and writes it back, so the
/// next block reads a record this process encoded a moment ago. Decoding it again, with its COSE key,
/// is about a quarter of executing a block of readings. A record is reused only for the very bytes
/// it was decoded from or encoded to, so what a read returns cannot change.
enum DecodedDeviceRecords {
    /// The most records kept; the memo starts over when full (about 400 bytes a record).
    static let capacity = 16_384
    private static let records = Mutex<[Hash256: (bytes: [UInt8], record: DeviceRecord)]>([:])

    /// The record `bytes` (stored under `key`) encode, decoded at most once while kept.
    static func decode(_ key: Hash256, _ bytes: [UInt8]) throws(ObjectError) -> DeviceRecord {
        if let entry = records.withLock({ $0[key] }), entry.bytes == bytes { return entry.record }
        let record = try DeviceRecord.decode(bytes)
        remember(key, bytes, record)
        return record
    }

    /// Notes that `record`, stored under `key`, encodes to `bytes`.
    static func remember(_ key: Hash256, _ bytes: [UInt8], _ record: DeviceRecord) {
        records.withLock { records in
            if records.count >= capacity, records[key] == nil { records.removeAll(keepingCapacity: true) }
            records[key] = (bytes, record)
        }
    }
}
