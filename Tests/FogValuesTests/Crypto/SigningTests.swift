import FogCore
import FogCrypto
import FogTestKit
import Testing

@Suite struct SigningTests {
    @Test(arguments: SignatureAlgorithm.allCases)
    func signsAndVerifies(_ algorithm: SignatureAlgorithm) throws {
        var rng = SeededGenerator(seed: 1)
        let key = PrivateKey.generate(algorithm, using: &rng)
        let message: [UInt8] = Array("reading 42".utf8)
        let signature = try key.signature(for: message)
        #expect(signature.count == algorithm.signatureByteCount)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(!key.publicKey.isValidSignature(signature, for: message + [0]))
        var tampered = signature
        tampered[3] ^= 0x01
        #expect(!key.publicKey.isValidSignature(tampered, for: message))
        #expect(!key.publicKey.isValidSignature(Array(signature.dropLast()), for: message))
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func seedRecreatesTheSameKey(_ algorithm: SignatureAlgorithm) throws {
        var rng = SeededGenerator(seed: 7)
        let key = PrivateKey.generate(algorithm, using: &rng)
        let again = try PrivateKey(algorithm: algorithm, seed: key.seed)
        #expect(again.publicKey == key.publicKey)
        var rng2 = SeededGenerator(seed: 7)
        #expect(PrivateKey.generate(algorithm, using: &rng2).publicKey == key.publicKey)
    }

    @Test func rejectsInvalidKeys() {
        #expect(throws: CryptoError.self) { try PublicKey(algorithm: .ed25519, rawBytes: [1, 2, 3]) }
        // A point that is not on the P-256 curve.
        #expect(throws: CryptoError.self) { try PublicKey(algorithm: .p256, rawBytes: [UInt8](repeating: 1, count: 64)) }
        #expect(throws: CryptoError.self) { try PrivateKey(algorithm: .p256, seed: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: CryptoError.self) { try PrivateKey(algorithm: .ed25519, seed: [UInt8](repeating: 0, count: 31)) }
    }

    @Test func keysFromDifferentAlgorithmsNeverVerifyEachOther() throws {
        var rng = SeededGenerator(seed: 3)
        let ed = PrivateKey.generate(.ed25519, using: &rng)
        let p256 = PrivateKey.generate(.p256, using: &rng)
        let message: [UInt8] = [1, 2, 3]
        #expect(!p256.publicKey.isValidSignature(try ed.signature(for: message), for: message))
        #expect(!ed.publicKey.isValidSignature(try p256.signature(for: message), for: message))
    }
}
