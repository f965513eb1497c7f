public import FogCore
public import FogCrypto

/// What a reading carries: a small value inline, or the hash of an off-chain payload and its media type.
public enum ReadingContent: Hashable, Sendable {
    /// A CBOR value of at most `ObjectLimits.maxInlineValueBytes` encoded bytes (key 5).
    case inline(CBORValue)
    /// SHA-256 of an off-chain payload (key 6) and its media type (key 7).
    case payload(hash: Hash256, mediaType: String)

    func put(into entries: inout [CBORMapEntry]) {
        switch self {
        case .inline(let value):
            entries.put(5, value)
        case .payload(let hash, let mediaType):
            entries.put(6, .hash(hash))
            entries.put(7, .text(mediaType))
        }
    }

    /// Equal exactly when the encodings are: the media type compares by its UTF-8 bytes, not by
    /// Swift's Unicode canonical equivalence.
    public static func == (lhs: ReadingContent, rhs: ReadingContent) -> Bool {
        switch (lhs, rhs) {
        case (.inline(let a), .inline(let b)):
            return a == b
        case (.payload(let hashA, let typeA), .payload(let hashB, let typeB)):
            return hashA == hashB && typeA.utf8.elementsEqual(typeB.utf8)
        default:
            return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .inline(let value):
            hasher.combine(0 as UInt8)
            hasher.combine(value)
        case .payload(let hash, let mediaType):
            hasher.combine(1 as UInt8)
            hasher.combine(hash)
            for byte in mediaType.utf8 { hasher.combine(byte) }
        }
    }

    static func read(_ fields: inout CBORFields, object: String) throws -> ReadingContent {
        let value = fields.optional(5)
        let hash = fields.optional(6)
        let mediaType = fields.optional(7)
        switch (value, hash, mediaType) {
        case (let value?, nil, nil):
            let size = value.encoded.count
            guard size <= ObjectLimits.maxInlineValueBytes else {
                throw ObjectError(.limitExceeded,
                                  "\(object).value: \(size) bytes exceed the inline limit of \(ObjectLimits.maxInlineValueBytes); send a payload hash instead")
            }
            return .inline(value)
        case (nil, let hash?, let mediaType?):
            let digest = Hash256(bytes: try CBORFields.bytes(hash, "\(object).payloadHash", length: 32...32))!
            // Its length is checked by Reading.init, as for a reading built in code.
            guard case .text(let type) = mediaType else {
                throw ObjectError(.malformed, "\(object).mediaType: expected text string, found \(mediaType.typeName)")
            }
            return .payload(hash: digest, mediaType: type)
        default:
            throw ObjectError(.malformed, "\(object): needs either value (5) or payloadHash (6) with mediaType (7)")
        }
    }
}

/// One reading of one device: the record the ledger commits and proves.
///
/// Signed alone it is the payload `{0: 1, 1: chain, 2: device, 3: seq, 4: time, 5: value | 6: hash, 7: type}`;
/// inside a `ReadingBatch` the same record is rebuilt from the batch's chain and device. Its `payload`
/// encoding is the leaf of the block's readings tree either way.
///
/// A reading a gateway attested for a device that cannot sign (an `attest-readings` transaction,
/// spec/gateway.md §5) carries the gateway's account address under key 9; so does its leaf, its
/// index entry and its proof, and anyone reading it sees the weaker trust. A device-signed reading
/// never carries key 9.
public struct Reading: SignedObject {
    public static let objectType = ObjectType.reading

    public let chainID: ChainID
    /// The device's address.
    public let device: Address
    /// The device's sequence number: starts at 1, strictly increasing per device (replay protection).
    public let sequence: UInt64
    /// When the device took the reading, in milliseconds since the Unix epoch (device clock).
    public let timeMillis: UInt64
    /// The reading's value or payload reference.
    public let content: ReadingContent
    /// The gateway account that attested the reading (key 9), or `nil` for a reading the device signed.
    public let attestingGateway: Address?

    /// Creates a reading; `sequence` must be at least 1 and an inline value within its limit.
    /// `attestingGateway` is set only for a reading a gateway attests.
    public init(chainID: ChainID, device: Address, sequence: UInt64, timeMillis: UInt64,
                content: ReadingContent, attestingGateway: Address? = nil) throws(ObjectError) {
        guard sequence >= 1 else { throw ObjectError(.invalidValue, "reading.seq must be at least 1") }
        if case .inline(let value) = content, value.encoded.count > ObjectLimits.maxInlineValueBytes {
            throw ObjectError(.limitExceeded, "reading.value exceeds \(ObjectLimits.maxInlineValueBytes) bytes")
        }
        if case .payload(_, let mediaType) = content,
           mediaType.isEmpty || mediaType.utf8.count > ObjectLimits.maxMediaTypeBytes {
            throw ObjectError(.limitExceeded, "reading.mediaType must be 1–\(ObjectLimits.maxMediaTypeBytes) bytes, found \(mediaType.utf8.count)")
        }
        self.chainID = chainID
        self.device = device
        self.sequence = sequence
        self.timeMillis = timeMillis
        self.content = content
        self.attestingGateway = attestingGateway
    }

    public var signer: Address { device }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, .text(chainID.value))
        entries.put(2, .address(device))
        entries.put(3, .unsigned(sequence))
        entries.put(4, .unsigned(timeMillis))
        content.put(into: &entries)
        if let attestingGateway { entries.put(9, .address(attestingGateway)) }
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let chainID = try fields.chain()
        let device = try fields.address(2, "device")
        let (sequence, time, content) = try Self.readEntryFields(&fields, object: "reading")
        let gateway = try fields.optional(9).map {
            Address(bytes: try CBORFields.bytes($0, "reading.gateway", length: Address.byteCount...Address.byteCount))!
        }
        try self.init(chainID: chainID, device: device, sequence: sequence, timeMillis: time, content: content,
                      attestingGateway: gateway)
    }

    /// Reads seq (3), time (4) and content (5 | 6, 7): the fields a batch entry shares with a reading.
    static func readEntryFields(_ fields: inout CBORFields, object: String) throws
        -> (sequence: UInt64, time: UInt64, content: ReadingContent) {
        let sequence = try fields.uint(3, "seq")
        let time = try fields.uint(4, "time")
        let content = try ReadingContent.read(&fields, object: object)
        return (sequence, time, content)
    }
}
