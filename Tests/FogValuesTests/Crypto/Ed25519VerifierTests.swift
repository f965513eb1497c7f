import FogCore
@testable import FogCrypto
import FogTestKit
import Testing

/// FogLedger's Ed25519 rule (cofactored, ZIP 215 decoding) and batch verification.
@Suite struct Ed25519VerifierTests {
    /// L, the group order, in little-endian 64-bit limbs.
    static let order: [UInt64] = [0x5812_631A_5CF5_D3ED, 0x14DE_F9DE_A2F7_9CD6, 0, 0x1000_0000_0000_0000]

    static func bytes(_ words: [UInt64]) -> [UInt8] {
        words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    }

    /// `count` honest Ed25519 signatures over distinct messages, by distinct keys.
    private func signed(_ count: Int, seed: UInt64) throws -> [(key: PublicKey, signature: [UInt8], message: [UInt8])] {
        var rng = SeededGenerator(seed: seed)
        return try (0..<count).map { index in
            let key = PrivateKey.generate(.ed25519, using: &rng)
            let message = Array("reading \(index) of \(seed)".utf8)
            return (key.publicKey, try key.signature(for: message), message)
        }
    }

    private func batch(_ entries: [(key: PublicKey, signature: [UInt8], message: [UInt8])]) -> SignatureBatch {
        var batch = SignatureBatch()
        for entry in entries { batch.append(entry.signature, over: entry.message, by: entry.key) }
        return batch
    }

    @Test func batchAcceptsHonestSignaturesAndFindsEachInvalidOne() throws {
        var entries = try signed(40, seed: 1)
        #expect(batch(entries).verify() == [Bool](repeating: true, count: 40))
        entries[3].message[0] ^= 1        // another message
        entries[17].signature[40] ^= 1    // another S
        entries[29].signature[2] ^= 1     // another R
        var expected = [Bool](repeating: true, count: 40)
        for index in [3, 17, 29] { expected[index] = false }
        #expect(batch(entries).verify() == expected)
    }

    /// The weights are a function of the whole batch: the same batch gets the same weights, and a
    /// change to any one item changes every weight.
    @Test func weightsDependOnEveryItemOfTheBatch() throws {
        let entries = try signed(6, seed: 11)
        func weights(_ entries: [(key: PublicKey, signature: [UInt8], message: [UInt8])]) -> [Scalar25519] {
            let items = entries.map {
                Ed25519Verifier.Item(publicKey: $0.key.rawBytes, signature: $0.signature, message: $0.message)
            }
            let challenges = items.map {
                Ed25519Verifier.challenge(r: $0.signature[..<32], publicKey: $0.publicKey, message: $0.message)
            }
            return Ed25519Verifier.weights(of: items, challenges: challenges)
        }
        let first = weights(entries)
        #expect(first.count == 6 && Set(first.map(\.littleEndianBytes)).count == 6)
        #expect(weights(entries) == first)
        var changed = entries
        changed[4].message[0] ^= 1
        #expect(zip(weights(changed), first).allSatisfy { $0 != $1 })
    }

    @Test func batchChecksOtherAlgorithmsOneByOne() throws {
        var rng = SeededGenerator(seed: 2)
        let p256 = PrivateKey.generate(.p256, using: &rng)
        var entries = try signed(3, seed: 3)
        entries.insert((p256.publicKey, try p256.signature(for: [1, 2]), [1, 2]), at: 1)
        entries.append((p256.publicKey, try p256.signature(for: [1, 2]), [1, 3]))
        #expect(batch(entries).verify() == [true, true, true, true, false])
    }

    /// A COSE_Sign1 is added as `COSESign1.verify(with:)` checks it; a key of another algorithm adds nothing.
    @Test func coseEnvelopesJoinABatchAsTheirOwnCheck() throws {
        var rng = SeededGenerator(seed: 12)
        let device = PrivateKey.generate(.ed25519, using: &rng)
        let other = PrivateKey.generate(.p256, using: &rng)
        let envelope = try COSESign1.sign(payload: [0xA0], with: device)
        var batch = SignatureBatch()
        #expect(batch.append(envelope, by: other.publicKey) == nil)
        #expect(batch.append(envelope, by: device.publicKey) == 0)
        #expect(batch.append(try COSESign1.sign(payload: [0xA1], with: device), by: device.publicKey) == 1)
        #expect(batch.verify() == [true, true])
    }

    @Test func singleCheckAgreesWithBoringSSLOnHonestAndTamperedSignatures() throws {
        var rng = SeededGenerator(seed: 4)
        for (index, entry) in try signed(24, seed: 5).enumerated() {
            var signature = entry.signature
            if index % 2 == 1 { signature[Int(rng.next() % 64)] ^= UInt8(1 << (rng.next() % 8)) }
            let item = Ed25519Verifier.Item(publicKey: entry.key.rawBytes, signature: signature, message: entry.message)
            #expect(Ed25519Verifier.isValid(item) == entry.key.backend.isValidSignature(signature, for: entry.message))
            #expect(Ed25519Verifier.isValid(item) == (index % 2 == 0))
            // The public check is the rule; the reference check is BoringSSL's; honest and tampered
            // signatures get the same verdict from both.
            #expect(entry.key.isValidSignature(signature, for: entry.message) == (index % 2 == 0))
            #expect(entry.key.isAcceptedByBoringSSL(signature, for: entry.message) == (index % 2 == 0))
        }
    }

    /// A signature whose R carries a point of order 4: BoringSSL's cofactorless check refuses it, the
    /// cofactored rule accepts it, alone and in a batch, so the verdict cannot depend on the method.
    @Test func smallOrderComponentIsValidUnderTheCofactoredRule() throws {
        let order4 = EdwardsPoint(x: EdwardsPoint.sqrtMinusOne, y: .zero, z: .one, t: .zero)
        #expect(!order4.doubled().isIdentity)
        #expect(order4.doubled().doubled().isIdentity)

        let secret = Scalar25519(low: 0x1234_5678_9ABC_DEF0, high: 0x0FED_CBA9_8765_4321) * Scalar25519(low: 977, high: 3)
        let nonce = Scalar25519(low: 0xDEAD_BEEF, high: 0xC0FFEE) * Scalar25519(low: 0xFFFF_FFFF_FFFF_FFFF, high: 5)
        let publicKey = Ed25519Verifier.multiScalarMultiple([], tables: [], baseScalar: secret).encoded
        let r = (Ed25519Verifier.multiScalarMultiple([], tables: [], baseScalar: nonce) + order4.cached).encoded
        let message: [UInt8] = Array("torsion".utf8)
        let k = Ed25519Verifier.challenge(r: r[...], publicKey: publicKey, message: message)
        let s = nonce + k * secret
        let signature = r + s.littleEndianBytes
        let key = try PublicKey(algorithm: .ed25519, rawBytes: publicKey)

        #expect(!key.backend.isValidSignature(signature, for: message))
        #expect(!key.isAcceptedByBoringSSL(signature, for: message))
        #expect(key.isValidSignature(signature, for: message))
        var entries = try signed(5, seed: 6)
        entries.append((key, signature, message))
        #expect(batch(entries).verify() == [Bool](repeating: true, count: 6))

        var wrongS = signature
        wrongS[32] ^= 1
        #expect(!key.isValidSignature(wrongS, for: message))
        entries[5].signature = wrongS
        #expect(batch(entries).verify() == [true, true, true, true, true, false])
    }

    @Test func refusesSOfAtLeastTheGroupOrder() throws {
        let entry = try signed(1, seed: 7)[0]
        // S + L is below 2^256 and names the same residue; RFC 8032 and this rule refuse it.
        var words = (0..<4).map { index in
            entry.signature[(32 + 8 * index)..<(40 + 8 * index)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        var carry: UInt64 = 0
        for (index, limb) in Self.order.enumerated() {
            let (sum, overflow) = words[index].addingReportingOverflow(limb)
            let (withCarry, overflowAgain) = sum.addingReportingOverflow(carry)
            words[index] = withCarry
            carry = (overflow ? 1 : 0) + (overflowAgain ? 1 : 0)
        }
        #expect(carry == 0)
        let signature = Array(entry.signature[..<32]) + Self.bytes(words)
        #expect(!entry.key.isValidSignature(signature, for: entry.message))
        #expect(!batch([entry, (entry.key, signature, entry.message)]).verify()[1])
    }

    @Test func refusesAKeyThatIsNoPoint() throws {
        let entry = try signed(1, seed: 8)[0]
        var y: [UInt8] = [UInt8](repeating: 0, count: 32)
        y[0] = 2
        while y.withUnsafeBytes({ EdwardsPoint(encoded: $0) }) != nil { y[0] += 1 }
        let key = try PublicKey(algorithm: .ed25519, rawBytes: y)
        #expect(!key.isValidSignature(entry.signature, for: entry.message))
        #expect(batch([entry, (key, entry.signature, entry.message)]).verify() == [true, false])
    }

    @Test func decodesNonCanonicalY() {
        // p + 1 (bit 255 clear) names y = 1, the neutral element, as ZIP 215 and BoringSSL read it.
        var bytes = [UInt8](repeating: 0xFF, count: 32)
        bytes[0] = 0xEE
        bytes[31] = 0x7F
        let point = bytes.withUnsafeBytes { EdwardsPoint(encoded: $0) }
        #expect(point?.isIdentity == true)
    }

    @Test func scalarArithmeticModuloTheGroupOrder() {
        var rng = SeededGenerator(seed: 9)
        func random() -> Scalar25519 {
            var bytes = [UInt8](repeating: 0, count: 64)
            for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: rng.next()) }
            return bytes.withUnsafeBytes { Scalar25519(reducing64: $0) }
        }
        let allOnes = [UInt8](repeating: 0xFF, count: 64).withUnsafeBytes { Scalar25519(reducing64: $0) }
        // (2^512 − 1) mod L, computed independently.
        #expect(allOnes.littleEndianBytes
            == Self.bytes([0xA406_11E3_449C_0F00, 0xD00E_1BA7_6885_9347, 0xCEEC_73D2_17F5_BE65, 0x0399_411B_7C30_9A3D]))
        let orderMinusOne = Self.bytes([Self.order[0] - 1] + Self.order[1...])
        #expect(orderMinusOne.withUnsafeBytes { Scalar25519(canonical: $0) } == Scalar25519.one.negated)
        #expect(Self.bytes(Self.order).withUnsafeBytes { Scalar25519(canonical: $0) } == nil)
        let minusOne = Scalar25519.one.negated
        #expect(minusOne * minusOne == .one)
        for _ in 0..<50 {
            let a = random(), b = random(), c = random()
            #expect(a.littleEndianBytes.withUnsafeBytes { Scalar25519(canonical: $0) } == a)
            #expect((a * b) * c == a * (b * c))
            #expect((a + b) * c == a * c + b * c)
            #expect(a + a.negated == .zero)
            #expect(a * .one == a)
        }
    }

    @Test func nonAdjacentFormSumsToTheScalar() {
        var rng = SeededGenerator(seed: 10)
        for width in [5, 8] {
            for _ in 0..<20 {
                let scalar = Scalar25519(low: rng.next(), high: rng.next()) * Scalar25519(low: rng.next(), high: rng.next())
                var digits = [Int8](repeating: 0, count: 256)
                scalar.writeNonAdjacentForm(width: width, into: &digits[...])
                // Σ digit·2^i, evaluated as a point against the base: the form's value is the scalar's.
                var sum = EdwardsPoint.identity
                let base = EdwardsPoint.base.cached
                for digit in digits.reversed() {
                    sum = sum.doubled()
                    for _ in 0..<abs(Int(digit)) { sum = digit > 0 ? sum + base : sum - base }
                }
                #expect(sum.encoded == Ed25519Verifier.multiScalarMultiple([], tables: [], baseScalar: scalar).encoded)
                #expect(digits.allSatisfy { $0 == 0 || ($0 % 2 != 0 && abs(Int($0)) < 1 << (width - 1)) })
            }
        }
    }

    /// A key's table serves a scalar split in halves: c·A = low·A + high·(2^128·A), here with A = B
    /// against the base point's own (also split) path.
    @Test func aKeyTableTakesAScalarInHalves() {
        var rng = SeededGenerator(seed: 11)
        let table = Ed25519Verifier.keyTable(of: .base)
        #expect(table.count == 2 * Ed25519Verifier.tableSize)
        for _ in 0..<10 {
            let scalar = Scalar25519(low: rng.next(), high: rng.next()) * Scalar25519(low: rng.next(), high: rng.next())
            let halves = scalar.halves
            #expect(halves.low + Scalar25519(low: 0, high: 1) * Scalar25519(low: 0, high: 1) * halves.high == scalar)
            let split = Ed25519Verifier.multiScalarMultiple([halves.low, halves.high], tables: table, baseScalar: .zero)
            #expect(split.encoded == Ed25519Verifier.multiScalarMultiple([], tables: [], baseScalar: scalar).encoded)
        }
    }
}
