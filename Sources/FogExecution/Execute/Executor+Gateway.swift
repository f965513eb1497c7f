import FogCrypto
import FogTypes

extension ExecutionError.Code {
    /// The signer is not the gateway the device was registered with.
    public static let notDeviceGateway = Self("not-device-gateway")
    /// An attested reading names another gateway than the transaction's signer, or a device-signed
    /// reading names a gateway at all.
    public static let attestationMismatch = Self("attestation-mismatch")
}

extension Executor {
    /// Applies a gateway-mode transaction (kinds 9–10) signed by `signer`, whose account, signature
    /// and nonce were already checked. Returns the readings it commits.
    func applyGateway<Base>(_ body: GatewayTransaction, signer: Address, context: BlockContext,
                            overlay: inout StateOverlay<Base>) throws -> [Reading] {
        switch body {
        case let .registerAttestedDevice(registration, gateway):
            let address = registration.device
            guard try overlay.device(address) == nil else {
                throw ExecutionError(.deviceExists, "device \(address) is registered")
            }
            guard try overlay.account(gateway) != nil else {
                throw ExecutionError(.unknownAccount, "gateway \(gateway) is not an account")
            }
            overlay.setDevice(address, try DeviceRecord(
                publicKey: registration.publicKey, owner: signer, deviceType: registration.deviceType,
                metadata: registration.metadata, status: .active, lastSequence: 0,
                registeredAt: context.height, nonce: 0, attestingGateway: gateway))
            return []
        case let .attestReadings(readings):
            try applyAttested(readings, gateway: signer, overlay: &overlay)
            return readings
        }
    }

    /// Accepts readings `gateway` attests: each of this chain and naming `gateway`, each device
    /// registered with `gateway` as its attesting gateway and active, and each device's sequence
    /// numbers above its last accepted one (their order within the list was checked by decoding).
    private func applyAttested<Base>(_ readings: [Reading], gateway: Address,
                                     overlay: inout StateOverlay<Base>) throws {
        var records: [Address: DeviceRecord] = [:]
        var order: [Address] = []
        for reading in readings {
            guard reading.chainID == chainID else {
                throw ExecutionError(ExecutionError.Code(.wrongChain), "an attested reading is for chain \(reading.chainID)")
            }
            guard reading.attestingGateway == gateway else {
                throw ExecutionError(.attestationMismatch, "a reading of \(reading.device) names another gateway than the signer \(gateway)")
            }
            let device = reading.device
            var record: DeviceRecord
            if let seen = records[device] {
                record = seen
            } else {
                guard let stored = try overlay.device(device) else {
                    throw ExecutionError(.unknownDevice, "device \(device) is not registered")
                }
                guard stored.attestingGateway == gateway else {
                    throw ExecutionError(.notDeviceGateway, "\(gateway) is not the attesting gateway of device \(device)")
                }
                switch stored.status {
                case .active: break
                case .suspended: throw ExecutionError(.deviceSuspended, "device \(device) is suspended")
                case .revoked: throw ExecutionError(.deviceRevoked, "device \(device) is revoked")
                }
                record = stored
                order.append(device)
            }
            guard reading.sequence > record.lastSequence else {
                throw ExecutionError(.staleSequence, "device \(device): seq \(reading.sequence) is not above \(record.lastSequence)")
            }
            record.lastSequence = reading.sequence
            records[device] = record
        }
        for device in order { overlay.setDevice(device, records[device]!) }
    }
}
