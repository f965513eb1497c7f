public import FogCore
public import FogCrypto

/// Many readings of one device under one signature, so a device signs rarely:
/// `{0: 2, 1: chain, 2: device, 8: [{3: seq, 4: time, 5: value | 6: hash, 7: type}, …]}`.
///
/// Entries are in strictly increasing sequence order; there are 1 to `ObjectLimits.maxBatchReadings`,
/// and the encoding is at most `ObjectLimits.maxPayloadBytes`.
public struct ReadingBatch: SignedObject {
    public static let objectType = ObjectType.readingBatch

    public let chainID: ChainID
    /// The device's address.
    public let device: Address
    /// The readings, each a full `Reading` record of this chain and device.
    public let readings: [Reading]

    /// Creates a batch from readings of one device on one chain, in increasing sequence order.
    public init(chainID: ChainID, device: Address, readings: [Reading]) throws(ObjectError) {
        guard !readings.isEmpty, readings.count <= ObjectLimits.maxBatchReadings else {
            throw ObjectError(.limitExceeded, "a batch holds 1–\(ObjectLimits.maxBatchReadings) readings, found \(readings.count)")
        }
        for (index, reading) in readings.enumerated() {
            guard reading.chainID == chainID, reading.device == device else {
                throw ObjectError(.invalidValue, "batch entry \(index) is for another chain or device")
            }
            guard reading.attestingGateway == nil else {
                throw ObjectError(.invalidValue, "batch entry \(index) carries a gateway attestation; a batch is device-signed")
            }
            if index > 0, reading.sequence <= readings[index - 1].sequence {
                throw ObjectError(.invalidValue, "batch entry \(index): seq \(reading.sequence) does not increase")
            }
        }
        self.chainID = chainID
        self.device = device
        self.readings = readings
        let size = encoded.count
        guard size <= ObjectLimits.maxPayloadBytes else {
            throw ObjectError(.limitExceeded, "reading batch of \(size) bytes exceeds \(ObjectLimits.maxPayloadBytes)")
        }
    }

    public var signer: Address { device }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, .text(chainID.value))
        entries.put(2, .address(device))
        entries.put(8, .array(readings.map { reading in
            var entry: [CBORMapEntry] = []
            entry.put(3, .unsigned(reading.sequence))
            entry.put(4, .unsigned(reading.timeMillis))
            reading.content.put(into: &entry)
            return .map(entry)
        }))
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let chainID = try fields.chain()
        let device = try fields.address(2, "device")
        let items = try fields.list(8, "reading-batch.readings", maxCount: ObjectLimits.maxBatchReadings)
        var readings: [Reading] = []
        readings.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            var entry = try CBORFields(item, object: "reading-batch.readings[\(index)]")
            let (sequence, time, content) = try Reading.readEntryFields(&entry, object: "reading-batch.readings[\(index)]")
            try entry.finish()
            readings.append(try Reading(chainID: chainID, device: device, sequence: sequence,
                                        timeMillis: time, content: content))
        }
        try self.init(chainID: chainID, device: device, readings: readings)
    }
}
