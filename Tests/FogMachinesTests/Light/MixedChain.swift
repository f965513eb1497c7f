import FogCrypto
import FogTestKit
import FogTypes

extension LightChainFixture {
    /// A 4-validator chain of mixed algorithms (powers 3, 2, 2, 1) whose set changes at height 3
    /// (validator 4 leaves, a P-256 validator joins, powers change), with 6 blocks of 8 readings and
    /// some state in each.
    static let mixed: LightChainFixture = {
        let genesisKeys = [key(.ed25519, 1), key(.p256, 2), key(.mldsa65, 3), key(.ed25519, 4)]
        var chain = LightChainFixture(keys: genesisKeys, powers: [3, 2, 2, 1])
        let nextKeys = [genesisKeys[0], genesisKeys[1], genesisKeys[2], key(.p256, 5)]
        for height in 1...6 {
            let readings = chain.readings(count: 8, device: UInt8(10 + height % 2), firstSequence: UInt64(height * 100))
            let state: [(key: Hash256, record: [UInt8]?)] = [
                (stateKey("device-\(height)"), Array("record of device \(height)".utf8)),
                (stateKey("balance"), Array("balance \(height * 10)".utf8)),
            ]
            chain.commit(readings: readings, state: state, next: height == 3 ? (nextKeys, [1, 1, 1, 2]) : nil)
        }
        return chain
    }()
}
