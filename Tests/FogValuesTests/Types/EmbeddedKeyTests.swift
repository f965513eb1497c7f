import FogCore
import FogCrypto
import FogTestKit
import FogTypes
import Testing

/// Keys inside validator sets and genesis are canonical COSE_Keys, so these objects re-encode to
/// the bytes they were read from (and their hashes, which headers commit to, are unique).
@Suite struct EmbeddedKeyTests {
    static let key: PublicKey = {
        var rng = SeededGenerator(seed: 505)
        return PrivateKey.generate(.ed25519, using: &rng).publicKey
    }()

    /// The canonical COSE_Key with `extra` added: what a general COSE library might write.
    static func keyWith(_ extra: CBORMapEntry) -> CBORValue {
        .map(COSEKey.value(key).mapEntries! + [extra])
    }

    static func rawSet(key: CBORValue) -> CBORValue {
        .map([CBORMapEntry(.int(0), .int(19)),
              CBORMapEntry(.int(1), .array([.map([CBORMapEntry(.int(1), key), CBORMapEntry(.int(2), .int(1))])]))])
    }

    static let extras = [CBORMapEntry(.int(3), .int(-8)), CBORMapEntry(.int(2), .bytes([1, 2, 3]))]

    @Test(arguments: extras)
    func validatorSetRejectsNonCanonicalKeys(_ extra: CBORMapEntry) throws {
        // A bare COSE_Key with the extra parameter is fine on its own …
        #expect(try COSEKey.decode(Self.keyWith(extra).encoded) == Self.key)
        // … but not inside an object whose hash must be unique.
        let error = #expect(throws: ObjectError.self) { try ValidatorSet.decode(Self.rawSet(key: Self.keyWith(extra)).encoded) }
        #expect(error?.code == .malformed)
        let canonical = Self.rawSet(key: COSEKey.value(Self.key)).encoded
        #expect(try ValidatorSet.decode(canonical).encoded == canonical)
    }

    @Test(arguments: extras)
    func genesisRejectsNonCanonicalAccountKeys(_ extra: CBORMapEntry) throws {
        let set = try ValidatorSet.decode(Self.rawSet(key: COSEKey.value(Self.key)).encoded)
        let genesis = try Genesis(chainID: ChainID("fog-test"), timeMillis: 1, consensus: .poa, validators: set,
                                  accounts: [GenesisAccount(publicKey: Self.key, balance: 10)])
        var entries = genesis.cborValue.mapEntries!
        let index = entries.firstIndex { $0.key == .int(5) }!
        entries[index].value = .array([.map([CBORMapEntry(.int(1), Self.keyWith(extra)), CBORMapEntry(.int(2), .int(10))])])
        let error = #expect(throws: ObjectError.self) { try Genesis.decode(CBORValue.map(entries).encoded) }
        #expect(error?.code == .malformed)
        #expect(try Genesis.decode(genesis.encoded) == genesis)
    }
}
