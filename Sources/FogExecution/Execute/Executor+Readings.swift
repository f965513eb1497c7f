import FogCrypto
import FogTypes

extension Executor {
    /// Accepts readings of one device under one signature: the device must exist, the signature
    /// verify with its current key, the device be active, and the first seq exceed the last accepted
    /// (the readings' own order was checked by decoding). Records the last seq.
    func applyReadings<Base>(_ readings: [Reading], device: Address,
                             signature: inout SignatureCheck,
                             overlay: inout StateOverlay<Base>) throws {
        guard !readings.contains(where: { $0.attestingGateway != nil }) else {
            throw ExecutionError(.attestationMismatch, "device \(device) signs its own readings: none may name an attesting gateway")
        }
        guard var record = try overlay.device(device) else {
            throw ExecutionError(.unknownDevice, "device \(device) is not registered")
        }
        try signature.check(with: record.publicKey)
        switch record.status {
        case .active: break
        case .suspended: throw ExecutionError(.deviceSuspended, "device \(device) is suspended")
        case .revoked: throw ExecutionError(.deviceRevoked, "device \(device) is revoked")
        }
        let first = readings[0].sequence
        guard first > record.lastSequence else {
            throw ExecutionError(.staleSequence, "device \(device): seq \(first) is not above \(record.lastSequence)")
        }
        record.lastSequence = readings[readings.count - 1].sequence
        overlay.setDevice(device, record)
    }
}
