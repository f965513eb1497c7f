public import FogCore
public import FogCrypto

/// The gateway-mode transactions (kinds 9–10, spec/encoding.md §2.21, spec/gateway.md §5): devices
/// that cannot sign are registered with the gateway account that attests their readings, and that
/// gateway commits their readings in transactions it signs.
public enum GatewayTransaction: Hashable, Sendable {
    /// Kind 9: register a device owned by the signer whose readings `gateway` attests:
    /// `{1: COSE_Key, 2: type, 3: metadata, 4: gateway}`. The key names the device (its address) and
    /// may sign the device's own readings later; it is not needed for attested ones.
    case registerAttestedDevice(DeviceRegistration, gateway: Address)
    /// Kind 10: readings the signing gateway attests, `{1: [reading, …]}`: 1 to
    /// `ObjectLimits.maxBatchReadings` full `Reading` maps, each carrying the signer as its gateway
    /// (key 9), of one or more devices, each device's in strictly increasing sequence order.
    case attestReadings([Reading])

    /// The kind that carries this body.
    public var kind: TransactionKind {
        switch self {
        case .registerAttestedDevice: .registerAttestedDevice
        case .attestReadings: .attestReadings
        }
    }

    /// Whether `kind` is a gateway-mode kind.
    public static func carries(_ kind: TransactionKind) -> Bool { (9...10).contains(kind.rawValue) }

    /// The body's name in errors.
    static func objectName(_ kind: TransactionKind) -> String {
        kind.rawValue == 9 ? "register-attested-device" : "attest-readings"
    }

    func put(into entries: inout [CBORMapEntry]) {
        switch self {
        case let .registerAttestedDevice(registration, gateway):
            entries.put(1, COSEKey.value(registration.publicKey))
            entries.put(2, .text(registration.deviceType))
            entries.put(3, registration.metadata)
            entries.put(4, .address(gateway))
        case let .attestReadings(readings):
            entries.put(1, .array(readings.map(\.cborValue)))
        }
    }

    static func read(kind: TransactionKind, _ fields: inout CBORFields, name: String) throws -> GatewayTransaction {
        if kind.rawValue == 9 {
            let key = try fields.canonicalKey(1, name)
            let typeValue = try fields.required(2, "type")
            guard case .text(let type) = typeValue else {
                throw ObjectError(.malformed, "\(name).type: expected text string, found \(typeValue.typeName)")
            }
            let metadata = try fields.required(3, "metadata")
            let gateway = try fields.address(4, "gateway")
            return .registerAttestedDevice(try DeviceRegistration(publicKey: key, deviceType: type, metadata: metadata),
                                           gateway: gateway)
        }
        let items = try fields.list(1, "\(name).readings", maxCount: ObjectLimits.maxBatchReadings)
        guard !items.isEmpty else {
            throw ObjectError(.limitExceeded, "\(name).readings: 1–\(ObjectLimits.maxBatchReadings) readings, found 0")
        }
        var readings: [Reading] = []
        readings.reserveCapacity(items.count)
        var lastSequence: [Address: UInt64] = [:]
        for (index, item) in items.enumerated() {
            let reading = try Reading.decode(item)
            guard reading.attestingGateway != nil else {
                throw ObjectError(.invalidValue, "\(name).readings[\(index)]: an attested reading names its gateway (key 9)")
            }
            if let last = lastSequence[reading.device], reading.sequence <= last {
                throw ObjectError(.invalidValue,
                                  "\(name).readings[\(index)]: seq \(reading.sequence) of \(reading.device) does not increase")
            }
            lastSequence[reading.device] = reading.sequence
            readings.append(reading)
        }
        return .attestReadings(readings)
    }
}

extension TransactionKind {
    /// Registers a device whose readings a gateway attests: body `{1: COSE_Key, 2: type, 3: metadata, 4: gateway}`.
    public static let registerAttestedDevice = TransactionKind(rawValue: 9)
    /// Readings a gateway attests: body `{1: [reading, …]}`.
    public static let attestReadings = TransactionKind(rawValue: 10)

    /// The gateway-mode kinds, ascending.
    public static let gatewayKinds: [TransactionKind] = [.registerAttestedDevice, .attestReadings]
}
