import FogCore
import FogCrypto
import FogLight
import FogTestKit
import FogTypes
import Testing

/// The bundle decoders on random and mutated bytes: never a crash, only `ObjectError`s, and whatever
/// is accepted re-encodes to exactly the bytes it was read from. Verification of an accepted mutant
/// either succeeds or throws a `LightError`.
@Suite struct ProofBundleFuzzTests {
    static let chain = LightChainFixture.mixed
    static let verifier = LightVerifier(genesis: chain.genesis)

    static let samples: [(name: String, bytes: [UInt8])] = [
        ("reading-proof", chain.readingProof(height: 5, index: 3).encoded),
        ("state-proof", chain.stateProof(height: 5, key: LightChainFixture.stateKey("balance")).encoded),
        ("state-non-inclusion", chain.stateProof(height: 4, key: LightChainFixture.stateKey("device-5")).encoded),
        ("signed-header", chain.blocks[2].signedHeader.encoded),
        ("validator-set-change", chain.changes[0].encoded),
    ]

    /// Decodes `bytes` as every bundle type; checks the invariants above.
    static func check(_ bytes: [UInt8]) -> Int {
        var accepted = 0
        func attempt<T: CanonicalObject>(_: T.Type, verify: (T) throws -> Void = { _ in }) {
            do {
                let object = try T.decode(bytes)
                #expect(object.encoded == bytes, "\(T.self) accepted bytes it does not re-encode to")
                accepted += 1
                do { try verify(object) } catch is LightError {} catch { Issue.record("verify threw \(error)") }
            } catch {
                // `decode` throws only `ObjectError` (typed throws): a rejection, as expected.
                _ = error.code
            }
        }
        attempt(ReadingProof.self) { _ = try verifier.verify($0) }
        attempt(StateProof.self) { _ = try verifier.verify($0) }
        attempt(SignedHeader.self)
        attempt(ValidatorSetChange.self)
        return accepted
    }

    @Test func samplesDecodeAndReencode() {
        for sample in Self.samples {
            #expect(Self.check(sample.bytes) == 1, "\(sample.name)")
        }
    }

    @Test func randomBytesAndValues() {
        var rng = SeededGenerator(seed: 0x11_6417)
        let random = RandomCBOR(maxDepth: 5, maxCount: 8, maxStringBytes: 40)
        for round in 0..<2_000 {
            let length = Int(rng.next() % 200)
            _ = Self.check(rng.bytes(length))
            // A random map under each bundle tag, so the decoders get past the type check.
            let tag = UInt64(24 + round % 4)
            var entries: [CBORMapEntry] = [CBORMapEntry(.int(0), .unsigned(tag))]
            for key in 1...Int64(1 + rng.next() % 7) { entries.append(CBORMapEntry(.int(key), random.value(using: &rng))) }
            _ = Self.check(CBORValue.map(entries).encoded)
        }
    }

    @Test(arguments: samples.map(\.name))
    func mutatedBytes(_ name: String) {
        let original = Self.samples.first { $0.name == name }!.bytes
        var rng = SeededGenerator(seed: UInt64(original.count))
        var accepted = 0
        for _ in 0..<600 {
            var bytes = original
            switch rng.next() % 4 {
            case 0:  // flip one bit
                let index = Int(rng.next() % UInt64(bytes.count))
                bytes[index] ^= UInt8(1) << UInt8(rng.next() % 8)
            case 1:  // overwrite a byte
                bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
            case 2:  // truncate
                bytes.removeLast(Int(1 + rng.next() % UInt64(min(bytes.count, 64))))
            default:  // insert a byte
                bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: Int(rng.next() % UInt64(bytes.count + 1)))
            }
            accepted += Self.check(bytes)
        }
        // Flips inside hashes and signatures keep the schema: some mutants decode (and then fail to verify).
        #expect(accepted > 0)
    }

    @Test func acceptedMutantsOfAReadingProofDoNotVerify() {
        let original = Self.samples[0].bytes
        var rng = SeededGenerator(seed: 42)
        var decoded = 0
        for _ in 0..<300 {
            var bytes = original
            bytes[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(1) << UInt8(rng.next() % 8)
            guard let proof = try? ReadingProof.decode(bytes) else { continue }
            decoded += 1
            // One bit anywhere in a decodable bundle changes something that is hashed or signed.
            #expect(throws: LightError.self) { _ = try Self.verifier.verify(proof) }
        }
        #expect(decoded > 0)
    }
}
