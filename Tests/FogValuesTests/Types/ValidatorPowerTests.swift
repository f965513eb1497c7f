import FogCore
import FogCrypto
import FogTestKit
import FogTypes
import Testing

/// Voting power arithmetic never overflows, whatever a peer sends.
@Suite struct ValidatorPowerTests {
    static let keys: [PublicKey] = {
        var rng = SeededGenerator(seed: 404)
        return (0..<3).map { _ in PrivateKey.generate(.ed25519, using: &rng).publicKey }
    }()

    func rawSet(_ powers: [UInt64]) -> [UInt8] {
        let entries = zip(Self.keys, powers).sorted { $0.0.address < $1.0.address }.map { key, power in
            CBORValue.map([CBORMapEntry(.int(1), COSEKey.value(key)), CBORMapEntry(.int(2), .unsigned(power))])
        }
        return CBORValue.map([CBORMapEntry(.int(0), .int(19)), CBORMapEntry(.int(1), .array(entries))]).encoded
    }

    @Test func hugePowersAreRejectedNotOverflowed() throws {
        for powers: [UInt64] in [[1, .max], [.max, 1], [1 << 60, 1], [1 << 59, 1 << 59, 1], [.max, .max, .max]] {
            #expect(throws: ObjectError.self, "\(powers)") { try ValidatorSet.decode(rawSet(powers)) }
            let validators = try zip(Self.keys, powers).map { try Validator(publicKey: $0.0, power: $0.1) }
            let error = #expect(throws: ObjectError.self) { try ValidatorSet(validators) }
            #expect(error?.code == .limitExceeded)
        }
    }

    @Test func totalPowerAtTheLimitIsAccepted() throws {
        let set = try ValidatorSet.decode(rawSet([1 << 59, (1 << 59) - 1, 1]))
        #expect(set.totalPower == ValidatorSet.maxTotalPower)
        #expect(set.isQuorum(set.totalPower))
        #expect(!set.isQuorum(set.totalPower / 3 * 2))
        #expect(set.isQuorum(.max))
    }
}
