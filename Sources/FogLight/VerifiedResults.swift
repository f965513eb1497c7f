public import FogCrypto
public import FogTypes

/// A reading a `LightVerifier` has shown to be committed by the chain of a trusted genesis.
public struct VerifiedReading: Hashable, Sendable {
    /// The reading.
    public let reading: Reading
    /// The height of the block that committed it.
    public let height: UInt64
    /// That block's time, milliseconds since the Unix epoch.
    public let blockTimeMillis: UInt64
    /// That block's id.
    public let blockID: Hash256

    /// Who vouched for the reading: the device's own signature, or a gateway's attestation (the
    /// weaker trust of gateway mode). The chain's validators checked either when they committed it.
    public var trust: ReadingTrust {
        reading.attestingGateway.map(ReadingTrust.gatewayAttested) ?? .deviceSigned
    }
}

/// Who vouched for a committed reading (spec/gateway.md §5).
public enum ReadingTrust: Hashable, Sendable, CustomStringConvertible {
    /// The device signed it with its own key.
    case deviceSigned
    /// The gateway account `gateway` attested it for a device that cannot sign.
    case gatewayAttested(Address)

    public var description: String {
        switch self {
        case .deviceSigned: "device-signed"
        case .gatewayAttested(let gateway): "gateway-attested by \(gateway.hex)"
        }
    }
}

/// A state entry a `LightVerifier` has shown to hold (or be absent) at a height of the chain of a
/// trusted genesis.
public struct VerifiedState: Hashable, Sendable {
    /// The state key.
    public let key: Hash256
    /// The record's bytes (SHA-256 of them is the key's value hash), or `nil`: the key is absent.
    public let record: [UInt8]?
    /// The height whose state the proof is against.
    public let height: UInt64
    /// That block's time, milliseconds since the Unix epoch.
    public let blockTimeMillis: UInt64
    /// That block's id.
    public let blockID: Hash256
    /// The state root the proof was checked against.
    public let stateRoot: Hash256
}
