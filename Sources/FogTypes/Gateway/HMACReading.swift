public import FogCore
public import FogCrypto

/// A reading of a device that cannot sign, as it sends it to its gateway (spec/gateway.md §5): the
/// payload `{0: 32, 1: chain, 2: device, 3: seq, 4: time, 5: value | 6: hash, 7: type}` and, on the
/// wire, the CBOR array `[payload bytes, HMAC-SHA256(key, payload bytes)]` with the 32-byte key the
/// device shares with its gateway. The tag authenticates the device to the gateway only; the ledger
/// records the gateway's attestation, never the key or the tag.
public struct HMACReading: CanonicalObject {
    public static let objectType = ObjectType.hmacReading

    /// The length of a device's HMAC key.
    public static let keyBytes = 32
    /// The length of a tag.
    public static let tagBytes = 32
    /// The largest message taken from the wire: a reading's payload at its largest plus the tag.
    public static let maxMessageBytes = 4 * 1024

    /// The reading it carries (without a gateway: the gateway adds itself when it attests).
    public let reading: Reading

    /// Wraps a device-built reading; one naming a gateway is `invalid-value`.
    public init(_ reading: Reading) throws(ObjectError) {
        guard reading.attestingGateway == nil else {
            throw ObjectError(.invalidValue, "hmac-reading: the device does not name the attesting gateway")
        }
        self.reading = reading
    }

    public func fields() -> [CBORMapEntry] {
        reading.fields()
    }

    public init(fields: inout CBORFields) throws {
        let chainID = try fields.chain()
        let device = try fields.address(2, "device")
        let (sequence, time, content) = try Reading.readEntryFields(&fields, object: "hmac-reading")
        try self.init(try Reading(chainID: chainID, device: device, sequence: sequence, timeMillis: time, content: content))
    }

    /// The wire message: `[payload, tag]` with the tag under `key`.
    public func message(key: [UInt8]) -> [UInt8] {
        let payload = encoded
        return CBORValue.array([.bytes(payload), .bytes(HMACSHA256.tag(key: key, message: payload))]).encoded
    }

    /// The reading a wire message claims to carry, read without checking its tag: not to be trusted,
    /// only to name the device and sequence number an answer is about. Throws as
    /// ``open(_:key:chain:)`` does for a bad shape.
    public static func claimed(_ message: [UInt8]) throws(ObjectError) -> Reading {
        try parts(message).reading.reading
    }

    /// Reads a wire message from untrusted bytes and checks its tag under `key` and its chain:
    /// `limit-exceeded`, `malformed`, `wrong-object-type`, `wrong-chain`, or `bad-signature` when the
    /// tag does not verify.
    public static func open(_ message: [UInt8], key: [UInt8], chain: ChainID) throws(ObjectError) -> HMACReading {
        let (payload, tag, reading) = try parts(message)
        guard HMACSHA256.isValid(tag, key: key, message: payload) else {
            throw ObjectError(.badSignature, "hmac-reading: the HMAC tag does not verify with the device's key")
        }
        guard reading.reading.chainID == chain else {
            throw ObjectError(.wrongChain, "hmac-reading: for chain \(reading.reading.chainID), not \(chain)")
        }
        return reading
    }

    private static func parts(_ message: [UInt8]) throws(ObjectError) -> (payload: [UInt8], tag: [UInt8], reading: HMACReading) {
        guard message.count <= maxMessageBytes else {
            throw ObjectError(.limitExceeded, "hmac-reading: \(message.count) bytes exceed \(maxMessageBytes)")
        }
        let value: CBORValue
        do {
            value = try CBORReader.decode(message)
        } catch {
            throw ObjectError(error)
        }
        guard case .array(let items) = value, items.count == 2,
              case .bytes(let payload) = items[0], case .bytes(let tag) = items[1]
        else {
            throw ObjectError(.malformed, "hmac-reading: expected the array [payload bytes, tag bytes]")
        }
        guard tag.count == tagBytes else {
            throw ObjectError(.malformed, "hmac-reading: the tag is \(tag.count) bytes, not \(tagBytes)")
        }
        return (payload, tag, try decode(payload))
    }
}
