public import FogCore
public import FogCrypto

/// The decoded body of a transaction of a known kind (spec/encoding.md §2.18).
///
/// Bodies are CBOR maps with small integer keys, read as strictly as objects: every field required,
/// exactly typed, bounded, and no unknown key.
public enum TransactionBody: Hashable, Sendable {
    /// Kind 1: move `amount` (> 0) native tokens from the signer to the account `to`.
    case transfer(to: Address, amount: UInt64)
    /// Kind 2: create the account of `publicKey`, sponsored by the signer.
    case createAccount(publicKey: PublicKey)
    /// Kind 3: register a device owned by the signer.
    case registerDevice(DeviceRegistration)
    /// Kind 4: make `newKey` the device's current key.
    case rotateDeviceKey(device: Address, newKey: PublicKey)
    /// Kind 5: suspend an active device.
    case suspendDevice(Address)
    /// Kind 6: reinstate a suspended device.
    case resumeDevice(Address)
    /// Kind 7: revoke a device for good.
    case revokeDevice(Address)
    /// Kind 8: give a device to the account `newOwner`.
    case transferDevice(device: Address, newOwner: Address)
    /// Kinds 16–21: validator governance, staking and evidence.
    case validator(ValidatorTransaction)
    /// Kinds 9–10: gateway-attested devices and readings.
    case gateway(GatewayTransaction)

    /// The kind that carries this body.
    public var kind: TransactionKind {
        switch self {
        case .transfer: .transfer
        case .createAccount: .createAccount
        case .registerDevice: .registerDevice
        case .rotateDeviceKey: .rotateDeviceKey
        case .suspendDevice: .suspendDevice
        case .resumeDevice: .resumeDevice
        case .revokeDevice: .revokeDevice
        case .transferDevice: .transferDevice
        case .validator(let body): body.kind
        case .gateway(let body): body.kind
        }
    }

    /// The body as the CBOR map a transaction carries under key 5.
    public var cborValue: CBORValue {
        var entries: [CBORMapEntry] = []
        switch self {
        case let .transfer(to, amount):
            entries.put(1, .address(to))
            entries.put(2, .unsigned(amount))
        case let .createAccount(publicKey):
            entries.put(1, COSEKey.value(publicKey))
        case let .registerDevice(registration):
            entries.put(1, COSEKey.value(registration.publicKey))
            entries.put(2, .text(registration.deviceType))
            entries.put(3, registration.metadata)
        case let .rotateDeviceKey(device, newKey):
            entries.put(1, .address(device))
            entries.put(2, COSEKey.value(newKey))
        case let .suspendDevice(device), let .resumeDevice(device), let .revokeDevice(device):
            entries.put(1, .address(device))
        case let .transferDevice(device, newOwner):
            entries.put(1, .address(device))
            entries.put(2, .address(newOwner))
        case let .validator(body):
            body.put(into: &entries)
        case let .gateway(body):
            body.put(into: &entries)
        }
        return .map(entries)
    }

    /// Reads the body of a transaction of kind `kind`.
    ///
    /// An unknown kind is `invalid-value`; a body that breaks its kind's schema is `malformed`,
    /// `limit-exceeded` or `invalid-value` as for objects (spec/encoding.md §2.15).
    public init(kind: TransactionKind, body: CBORValue) throws(ObjectError) {
        self = try decoding {
            guard kind.isKnown else {
                throw ObjectError(.invalidValue, "transaction.kind: \(kind.rawValue) is not a known kind")
            }
            let name = TransactionBody.objectName(kind)
            var fields = try CBORFields(body, object: name)
            let decoded = try TransactionBody.read(kind: kind, &fields, name: name)
            try fields.finish()
            return decoded
        }
    }

    /// Builds the transaction that carries this body.
    public func transaction(chainID: ChainID, signer: Address, nonce: UInt64) throws(ObjectError) -> Transaction {
        try Transaction(chainID: chainID, signer: signer, nonce: nonce, kind: kind, body: cborValue)
    }

    static func objectName(_ kind: TransactionKind) -> String {
        if ValidatorTransaction.carries(kind) { return ValidatorTransaction.objectName(kind) }
        if GatewayTransaction.carries(kind) { return GatewayTransaction.objectName(kind) }
        return switch kind.rawValue {
        case 1: "transfer"
        case 2: "create-account"
        case 3: "register-device"
        case 4: "rotate-device-key"
        case 5: "suspend-device"
        case 6: "resume-device"
        case 7: "revoke-device"
        default: "transfer-device"
        }
    }

    private static func read(kind: TransactionKind, _ fields: inout CBORFields, name: String) throws -> TransactionBody {
        if ValidatorTransaction.carries(kind) {
            return .validator(try ValidatorTransaction.read(kind: kind, &fields, name: name))
        }
        if GatewayTransaction.carries(kind) {
            return .gateway(try GatewayTransaction.read(kind: kind, &fields, name: name))
        }
        switch kind.rawValue {
        case 1:
            let to = try fields.address(1, "to")
            let amount = try fields.uint(2, "amount")
            guard amount > 0 else { throw ObjectError(.invalidValue, "\(name).amount must be at least 1") }
            return .transfer(to: to, amount: amount)
        case 2:
            return .createAccount(publicKey: try fields.canonicalKey(1, name))
        case 3:
            let key = try fields.canonicalKey(1, name)
            let typeValue = try fields.required(2, "type")
            guard case .text(let type) = typeValue else {
                throw ObjectError(.malformed, "\(name).type: expected text string, found \(typeValue.typeName)")
            }
            let metadata = try fields.required(3, "metadata")
            return .registerDevice(try DeviceRegistration(publicKey: key, deviceType: type, metadata: metadata))
        case 4:
            let device = try fields.address(1, "device")
            return .rotateDeviceKey(device: device, newKey: try fields.canonicalKey(2, name))
        case 5:
            return .suspendDevice(try fields.address(1, "device"))
        case 6:
            return .resumeDevice(try fields.address(1, "device"))
        case 7:
            return .revokeDevice(try fields.address(1, "device"))
        default:
            let device = try fields.address(1, "device")
            return .transferDevice(device: device, newOwner: try fields.address(2, "newOwner"))
        }
    }
}
