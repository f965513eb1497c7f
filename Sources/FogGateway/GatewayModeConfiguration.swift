public import FogCrypto
public import FogNode

/// Gateway mode (spec/gateway.md §5): the gateway takes HMAC-tagged readings of devices that cannot
/// sign on `fogledger/v1/gateway/devices/+/readings`, and attests them in `attest-readings`
/// transactions signed with its own account key.
public struct GatewayModeConfiguration: Sendable {
    /// The gateway account's key: it signs the attestations, and devices name its address at registration.
    public var accountKey: PrivateKey
    /// The devices' HMAC keys.
    public var keys: DeviceKeyStore
    /// The node whose committed state tells the devices' gateway, status and last sequence numbers,
    /// and the gateway account's nonce.
    public var ledger: any LedgerNode
    /// How long readings gather before they are attested in one transaction.
    public var batchInterval: Duration
    /// The most readings one attestation carries (at most `ObjectLimits.maxBatchReadings`).
    public var maxBatchReadings: Int

    /// Creates a configuration.
    public init(accountKey: PrivateKey, keys: DeviceKeyStore, ledger: any LedgerNode,
                batchInterval: Duration = .milliseconds(10), maxBatchReadings: Int = 256) {
        self.accountKey = accountKey
        self.keys = keys
        self.ledger = ledger
        self.batchInterval = batchInterval
        self.maxBatchReadings = maxBatchReadings
    }
}
