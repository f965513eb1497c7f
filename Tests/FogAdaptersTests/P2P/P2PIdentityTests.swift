import FogCore
import FogCrypto
import FogP2P
import Testing

@Suite struct P2PIdentityTests {
    @Test func theCertificateIsDeterministicAndNamesTheNodeKey() throws {
        let key = P2PFixtures.key(1)
        let first = try NodeIdentity(privateKey: key)
        let second = try NodeIdentity(privateKey: key)
        #expect(first.certificateDER == second.certificateDER)
        #expect(first.nodeID == key.publicKey.address)
        // The raw Ed25519 public key is inside the certificate's SubjectPublicKeyInfo.
        let spki: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]
            + key.publicKey.rawBytes
        #expect(first.certificateDER.indices.contains { first.certificateDER[$0...].starts(with: spki) })
        #expect(try NodeIdentity(privateKey: P2PFixtures.key(2)).certificateDER != first.certificateDER)
    }

    @Test func onlyEd25519NodeKeysAreAccepted() throws {
        let p256 = try PrivateKey(algorithm: .p256, seed: [1] + (1...31).map { UInt8($0) })
        #expect(throws: P2PError.self) { try NodeIdentity(privateKey: p256) }
    }

    @Test func backoffGrowsIsCappedAndJittersWithinBounds() {
        let backoff = ReconnectBackoff(initialMilliseconds: 100, maximumMilliseconds: 2_000, jitter: 0.2)
        var generator = SplitMix64(seed: 7)
        let delays = (0..<12).map { backoff.delayMilliseconds(attempt: $0, using: &generator) }
        for (attempt, delay) in delays.enumerated() {
            let base = Double(min(2_000, 100 << attempt))
            #expect(Double(delay) >= base * 0.8 && Double(delay) <= base * 1.2, "attempt \(attempt): \(delay) ms")
        }
        #expect(delays.last! <= 2_400)
        var again = SplitMix64(seed: 7)
        #expect((0..<12).map { backoff.delayMilliseconds(attempt: $0, using: &again) } == delays)
        var other = SplitMix64(seed: 8)
        #expect((0..<12).map { backoff.delayMilliseconds(attempt: $0, using: &other) } != delays)
        #expect(backoff.delayMilliseconds(attempt: 1_000, using: &generator) <= 2_400)
    }
}
