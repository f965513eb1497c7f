public import FogCore
public import FogCrypto

/// A device's lifecycle status.
public enum DeviceStatus: UInt64, Hashable, Sendable, CustomStringConvertible {
    /// Its readings are accepted.
    case active = 0
    /// Its readings are refused until it is resumed.
    case suspended = 1
    /// Final: its readings and changes are refused for good.
    case revoked = 2

    public var description: String {
        switch self {
        case .active: "active"
        case .suspended: "suspended"
        case .revoked: "revoked"
        }
    }
}

/// A device's entry in the state (spec/state.md):
/// `{0: 22, 1: COSE_Key, 2: owner, 3: type, 4: metadata, 5: status, 6: lastSeq, 7: registeredAt, 8: nonce}`,
/// plus `9: gateway` for a device registered as gateway-attested (spec/gateway.md §5).
public struct DeviceRecord: CanonicalObject {
    public static let objectType = ObjectType.deviceRecord

    /// The device's current key: its readings verify with it.
    public var publicKey: PublicKey
    /// The owning account.
    public var owner: Address
    /// The device type given at registration.
    public var deviceType: String
    /// The metadata given at registration (a map with text keys).
    public var metadata: CBORValue
    /// Active, suspended or revoked.
    public var status: DeviceStatus
    /// The highest reading sequence number accepted so far; 0 before the first reading.
    public var lastSequence: UInt64
    /// The height of the block that registered the device.
    public var registeredAt: UInt64
    /// The nonce the next transaction signed by the device's own key must carry (key rotation).
    public var nonce: UInt64
    /// The gateway account that may attest readings for this device (key 9), or `nil`: the device
    /// signs its own readings only.
    public var attestingGateway: Address?

    /// Creates a device record; type and metadata are checked as at registration.
    public init(publicKey: PublicKey, owner: Address, deviceType: String, metadata: CBORValue,
                status: DeviceStatus, lastSequence: UInt64, registeredAt: UInt64, nonce: UInt64,
                attestingGateway: Address? = nil) throws(ObjectError) {
        try DeviceRegistration.checkType(deviceType, field: "device-record.type")
        try DeviceRegistration.checkMetadata(metadata, field: "device-record.metadata")
        self.publicKey = publicKey
        self.owner = owner
        self.deviceType = deviceType
        self.metadata = metadata
        self.status = status
        self.lastSequence = lastSequence
        self.registeredAt = registeredAt
        self.nonce = nonce
        self.attestingGateway = attestingGateway
    }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, COSEKey.value(publicKey))
        entries.put(2, .address(owner))
        entries.put(3, .text(deviceType))
        entries.put(4, metadata)
        entries.put(5, .unsigned(status.rawValue))
        entries.put(6, .unsigned(lastSequence))
        entries.put(7, .unsigned(registeredAt))
        entries.put(8, .unsigned(nonce))
        if let attestingGateway { entries.put(9, .address(attestingGateway)) }
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let key = try fields.canonicalKey(1, "device-record")
        let owner = try fields.address(2, "owner")
        let typeValue = try fields.required(3, "type")
        guard case .text(let type) = typeValue else {
            throw ObjectError(.malformed, "device-record.type: expected text string, found \(typeValue.typeName)")
        }
        let metadata = try fields.required(4, "metadata")
        let statusCode = try fields.uint(5, "status")
        guard let status = DeviceStatus(rawValue: statusCode) else {
            throw ObjectError(.invalidValue, "device-record.status: \(statusCode) is not 0, 1 or 2")
        }
        let lastSequence = try fields.uint(6, "lastSeq")
        let registeredAt = try fields.uint(7, "registeredAt")
        let nonce = try fields.uint(8, "nonce")
        let gateway = try fields.optional(9).map {
            Address(bytes: try CBORFields.bytes($0, "device-record.gateway", length: Address.byteCount...Address.byteCount))!
        }
        try self.init(publicKey: key, owner: owner, deviceType: type, metadata: metadata, status: status,
                      lastSequence: lastSequence, registeredAt: registeredAt, nonce: nonce, attestingGateway: gateway)
    }
}
