import FogCore
import FogCrypto
import FogDevice
import FogTypes

/// Keys and readings for the device SDK's tests.
enum DeviceFixture {
    static let chain = try! ChainID("fogledger-test")
    static let key = try! PrivateKey(algorithm: .ed25519, seed: [UInt8](repeating: 7, count: 32))
    static let signer = SoftwareSigner(key: key)
    static var device: Address { key.publicKey.address }

    /// `count` readings from `first`, values 0, 1, …
    static func readings(from first: UInt64 = 1, count: Int) -> [Reading] {
        var builder = ReadingBuilder(chainID: chain, device: device, nextSequence: first)
        return (0..<count).map { index in
            try! builder.reading(timeMillis: 1_700_000_000_000 + UInt64(index), content: .inline(.unsigned(UInt64(index))))
        }
    }

    /// One envelope per reading, from sequence `first`.
    static func envelopes(from first: UInt64 = 1, count: Int) -> [OutboundEnvelope] {
        readings(from: first, count: count).map { try! OutboundEnvelope.seal([$0], with: signer) }
    }
}
