public import FogCore
public import FogCrypto

/// The body of a register-device transaction (kind 3): `{1: COSE_Key, 2: type, 3: metadata}`.
///
/// The signer becomes the owner; the device's address is its key's ``Address``.
public struct DeviceRegistration: Hashable, Sendable {
    /// The device's key; its address names the device for good.
    public let publicKey: PublicKey
    /// What kind of device it is (free text, 1 to `ObjectLimits.maxDeviceTypeBytes` bytes).
    public let deviceType: String
    /// Application metadata: a CBOR map with text keys, at most `ObjectLimits.maxDeviceMetadataBytes` encoded.
    public let metadata: CBORValue

    /// Creates a registration, checking the type's length and the metadata's shape and size.
    public init(publicKey: PublicKey, deviceType: String, metadata: CBORValue) throws(ObjectError) {
        try DeviceRegistration.checkType(deviceType, field: "register-device.type")
        try DeviceRegistration.checkMetadata(metadata, field: "register-device.metadata")
        self.publicKey = publicKey
        self.deviceType = deviceType
        self.metadata = metadata
    }

    /// The address the device gets.
    public var device: Address { publicKey.address }

    static func checkType(_ type: String, field: String) throws(ObjectError) {
        let count = type.utf8.count
        guard count >= 1, count <= ObjectLimits.maxDeviceTypeBytes else {
            throw ObjectError(.limitExceeded, "\(field): must be 1–\(ObjectLimits.maxDeviceTypeBytes) bytes, found \(count)")
        }
    }

    static func checkMetadata(_ metadata: CBORValue, field: String) throws(ObjectError) {
        guard case .map(let entries) = metadata else {
            throw ObjectError(.malformed, "\(field): expected map, found \(metadata.typeName)")
        }
        for entry in entries {
            guard case .text = entry.key else {
                throw ObjectError(.malformed, "\(field): expected text keys, found \(entry.key.typeName)")
            }
        }
        let size = metadata.encoded.count
        guard size <= ObjectLimits.maxDeviceMetadataBytes else {
            throw ObjectError(.limitExceeded, "\(field): \(size) bytes exceed \(ObjectLimits.maxDeviceMetadataBytes)")
        }
    }
}
