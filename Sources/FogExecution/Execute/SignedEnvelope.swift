import FogCore
public import FogCrypto
public import FogTypes

/// An envelope a block or the mempool carries, classified by its payload's type tag.
public enum SignedEnvelope: Sendable {
    /// A single reading, signed by the device.
    case reading(Signed<Reading>)
    /// A batch of readings, signed by the device.
    case readingBatch(Signed<ReadingBatch>)
    /// An account transaction (or a key rotation signed by a device).
    case transaction(Signed<Transaction>)

    /// Decodes `bytes` as a reading, reading batch or transaction of chain `chain` (spec/encoding.md
    /// §2.4); the signature is not checked. Any other object is `wrong-object-type`.
    public init(decoding bytes: [UInt8], chain: ChainID) throws(ObjectError) {
        switch try SignedEnvelope.payloadTag(bytes) {
        case ObjectType.reading.rawValue:
            self = .reading(try Signed<Reading>(decoding: bytes, chain: chain))
        case ObjectType.readingBatch.rawValue:
            self = .readingBatch(try Signed<ReadingBatch>(decoding: bytes, chain: chain))
        case ObjectType.transaction.rawValue:
            self = .transaction(try Signed<Transaction>(decoding: bytes, chain: chain))
        case let tag:
            let name = ObjectType(rawValue: tag).map { "\($0)" } ?? "unknown type \(tag)"
            throw ObjectError(.wrongObjectType, "a block carries readings, reading batches and transactions, found \(name)")
        }
    }

    /// The object's id: SHA-256 of the payload.
    public var transactionID: Hash256 {
        switch self {
        case .reading(let signed): signed.payloadHash
        case .readingBatch(let signed): signed.payloadHash
        case .transaction(let signed): signed.payloadHash
        }
    }

    /// The address whose key must have signed the envelope.
    public var signer: Address {
        switch self {
        case .reading(let signed): signed.object.signer
        case .readingBatch(let signed): signed.object.signer
        case .transaction(let signed): signed.object.signer
        }
    }

    /// The COSE_Sign1 that carries the object.
    public var cose: COSESign1 {
        switch self {
        case .reading(let signed): signed.envelope
        case .readingBatch(let signed): signed.envelope
        case .transaction(let signed): signed.envelope
        }
    }

    /// Checks the signature with `key`.
    public func verify(with key: PublicKey) throws(ObjectError) {
        switch self {
        case .reading(let signed): try signed.verify(with: key)
        case .readingBatch(let signed): try signed.verify(with: key)
        case .transaction(let signed): try signed.verify(with: key)
        }
    }

    /// The id of an envelope: its payload's hash when it is a COSE_Sign1 at all, else the hash of
    /// its bytes (so even an undecodable envelope gets a receipt).
    public static func transactionID(of bytes: [UInt8]) -> Hash256 {
        if bytes.count <= ObjectLimits.maxEnvelopeBytes, let envelope = try? COSESign1(decoding: bytes) {
            return SHA256Hasher.hash(envelope.payload)
        }
        return SHA256Hasher.hash(bytes)
    }

    /// The type tag of the envelope's payload. Errors are those `Signed(decoding:)` would report
    /// first. A payload in canonical form is not decoded here (`Signed(decoding:)` decodes and
    /// checks it strictly): its tag is read from its first bytes.
    private static func payloadTag(_ bytes: [UInt8]) throws(ObjectError) -> UInt64 {
        guard bytes.count <= ObjectLimits.maxEnvelopeBytes else {
            throw ObjectError(.limitExceeded, "envelope of \(bytes.count) bytes exceeds \(ObjectLimits.maxEnvelopeBytes)")
        }
        let envelope: COSESign1
        let payload: CBORValue
        do {
            envelope = try COSESign1(value: try CBORReader.decode(bytes))
        } catch let error as CBORError {
            throw ObjectError(error)
        } catch let error as CryptoError {
            throw ObjectError(error)
        } catch {
            throw ObjectError(.malformed, "\(error)")
        }
        if let tag = leadingTag(envelope.payload), carried.contains(tag) { return tag }
        do {
            payload = try CBORReader.decode(envelope.payload)
        } catch {
            throw ObjectError(error)
        }
        guard case .map = payload else {
            throw ObjectError(.malformed, "payload: expected map, found \(payload.typeName)")
        }
        guard let tag = payload[.unsigned(0)]?.uint64 else {
            throw ObjectError(.malformed, "payload: missing or non-integer type tag (key 0)")
        }
        return tag
    }

    /// The tags of what a block carries.
    private static let carried: Set<UInt64> = [
        ObjectType.reading.rawValue, ObjectType.readingBatch.rawValue, ObjectType.transaction.rawValue,
    ]

    /// The tag of a payload that starts as every canonical object does — a map (of fewer than 65,536
    /// entries) whose first key is 0, with an unsigned value below 256 — or `nil` for anything else.
    private static func leadingTag(_ payload: [UInt8]) -> UInt64? {
        let key: Int
        switch payload.first {
        case .some(0xa1...0xb7): key = 1
        case .some(0xb8): key = 2
        case .some(0xb9): key = 3
        default: return nil
        }
        guard payload.count > key + 2, payload[key] == 0x00 else { return nil }
        switch payload[key + 1] {
        case let small where small < 0x18: return UInt64(small)
        case 0x18 where payload[key + 2] >= 0x18: return UInt64(payload[key + 2])
        default: return nil
        }
    }
}
