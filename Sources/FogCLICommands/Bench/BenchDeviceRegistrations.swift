import FogCrypto
import FogTypes

/// Fresh Ed25519 devices for a benchmark and the operator's signed registrations of them, with the
/// operator's nonces 0, 1, … (a benchmark's network is new, so the operator has sent nothing yet).
struct BenchDeviceRegistrations {
    /// The devices' keys.
    let keys: [PrivateKey]
    /// One `register-device` transaction per key, in order.
    let transactions: [Signed<Transaction>]

    init(count: Int, genesis: Genesis, operatorKey: PrivateKey) throws {
        var generator = SystemRandomNumberGenerator()
        keys = (0..<count).map { _ in PrivateKey.generate(.ed25519, using: &generator) }
        transactions = try keys.enumerated().map { nonce, key in
            try Signed.sign(
                try TransactionBody.registerDevice(try DeviceRegistration(publicKey: key.publicKey, deviceType: "bench-probe",
                                                                          metadata: .map([])))
                    .transaction(chainID: genesis.chainID, signer: operatorKey.publicKey.address, nonce: UInt64(nonce)),
                with: operatorKey)
        }
    }
}
