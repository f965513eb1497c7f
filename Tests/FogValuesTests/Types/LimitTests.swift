import FogCore
import FogCrypto
import FogTestKit
import FogTypes
import Testing

/// Every `ObjectLimits` bound: exactly at the limit is accepted, one over is `limit-exceeded`,
/// whether the object is built in code or decoded from bytes.
@Suite struct LimitTests {
    static let device = Fixtures.signer(.ed25519).publicKey.address

    /// `count` distinct Ed25519 keys from a seeded generator.
    static func manyKeys(_ count: Int, seed: UInt64 = 77) -> [PrivateKey] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in PrivateKey.generate(.ed25519, using: &rng) }
    }

    /// A byte string whose encoding is exactly `size` bytes (for sizes from 3 + 256 up to 65,538).
    static func value(encodedSize size: Int) -> CBORValue {
        let value = CBORValue.bytes([UInt8](repeating: 0x5a, count: size - 3))
        precondition(value.encoded.count == size)
        return value
    }

    @Test func inlineValueSize() throws {
        let limit = ObjectLimits.maxInlineValueBytes
        #expect(limit == 1024)
        let atLimit = try Fixtures.reading(device: Self.device, content: .inline(Self.value(encodedSize: limit)))
        #expect(try Reading.decode(atLimit.encoded) == atLimit)
        let signed = try Signed.sign(atLimit, with: Fixtures.signer(.ed25519))
        #expect(try Signed<Reading>(decoding: signed.bytes).object == atLimit)

        let over = Self.value(encodedSize: limit + 1)
        expectObjectError(.limitExceeded) { _ = try Fixtures.reading(device: Self.device, content: .inline(over)) }
        expectObjectError(.limitExceeded) { _ = try Reading.decode(atLimit.cborValue.setting(5, over).encoded) }
        // The bound is on the encoded value, whatever its type.
        let text = CBORValue.text(String(repeating: "x", count: limit - 3))
        #expect(text.encoded.count == limit)
        _ = try Fixtures.reading(device: Self.device, content: .inline(text))
        let array = CBORValue.array([CBORValue](repeating: .int(1), count: limit - 3))
        #expect(array.encoded.count == limit)
        _ = try Fixtures.reading(device: Self.device, content: .inline(array))
        let bigArray = CBORValue.array([CBORValue](repeating: .int(1), count: limit - 2))
        expectObjectError(.limitExceeded) { _ = try Fixtures.reading(device: Self.device, content: .inline(bigArray)) }
    }

    @Test func readingsPerBatch() throws {
        let limit = ObjectLimits.maxBatchReadings
        #expect(limit == 1024)
        let readings = try (1...UInt64(limit + 1)).map { try Fixtures.reading(device: Self.device, seq: $0, content: .inline(.int(1))) }
        let atLimit = try ReadingBatch(chainID: Fixtures.chain, device: Self.device, readings: Array(readings.prefix(limit)))
        #expect(try ReadingBatch.decode(atLimit.encoded) == atLimit)
        expectObjectError(.limitExceeded) { _ = try ReadingBatch(chainID: Fixtures.chain, device: Self.device, readings: readings) }
        var entries = atLimit.cborValue.field(8).arrayItems!
        entries.append(entries[limit - 1].setting(3, .unsigned(UInt64(limit + 1))))
        expectObjectError(.limitExceeded) { _ = try ReadingBatch.decode(atLimit.cborValue.setting(8, .array(entries)).encoded) }
    }

    @Test func mediaTypeLength() throws {
        let limit = ObjectLimits.maxMediaTypeBytes
        #expect(limit == 255)
        let atLimit = try Fixtures.reading(device: Self.device, content: .payload(hash: Fixtures.hashA, mediaType: String(repeating: "m", count: limit)))
        #expect(try Reading.decode(atLimit.encoded) == atLimit)
        // Counted in UTF-8 bytes, not characters: 127 two-byte characters and one more byte is 255.
        let wide = String(repeating: "\u{e9}", count: 127) + "m"
        _ = try Fixtures.reading(device: Self.device, content: .payload(hash: Fixtures.hashA, mediaType: wide))
        let over = String(repeating: "m", count: limit + 1)
        expectObjectError(.limitExceeded) { _ = try Fixtures.reading(device: Self.device, content: .payload(hash: Fixtures.hashA, mediaType: over)) }
        expectObjectError(.limitExceeded) { _ = try Fixtures.reading(device: Self.device, content: .payload(hash: Fixtures.hashA, mediaType: wide + "m")) }
        expectObjectError(.limitExceeded) { _ = try Reading.decode(atLimit.cborValue.setting(7, .text(over)).encoded) }
        let batch = try ReadingBatch(chainID: Fixtures.chain, device: Self.device, readings: [atLimit])
        var entries = batch.cborValue.field(8).arrayItems!
        entries[0] = entries[0].setting(7, .text(over))
        expectObjectError(.limitExceeded) { _ = try ReadingBatch.decode(batch.cborValue.setting(8, .array(entries)).encoded) }
    }

    @Test func chainIDLength() throws {
        #expect(ObjectLimits.maxChainIDBytes == 64)
        let atLimit = try ChainID(String(repeating: "c", count: 64))
        let reading = try Fixtures.reading(device: Self.device, chain: atLimit)
        #expect(try Reading.decode(reading.encoded).chainID == atLimit)
        expectObjectError(.limitExceeded) { _ = try ChainID(String(repeating: "c", count: 65)) }
        expectObjectError(.limitExceeded) { _ = try Reading.decode(reading.cborValue.setting(1, .text(String(repeating: "c", count: 65))).encoded) }
    }

    @Test func transactionBodySize() throws {
        let limit = ObjectLimits.maxTransactionBodyBytes
        #expect(limit == 16 * 1024)
        // {1: h'…'}: one byte of map head, one of key, then the byte string.
        func body(_ size: Int) -> CBORValue {
            let body = CBORValue.map([CBORMapEntry(.int(1), Self.value(encodedSize: size - 2))])
            precondition(body.encoded.count == size)
            return body
        }
        let atLimit = try Transaction(chainID: Fixtures.chain, signer: Self.device, nonce: 1, kind: TransactionKind(rawValue: 1), body: body(limit))
        #expect(try Transaction.decode(atLimit.encoded) == atLimit)
        expectObjectError(.limitExceeded) {
            _ = try Transaction(chainID: Fixtures.chain, signer: Self.device, nonce: 1, kind: TransactionKind(rawValue: 1), body: body(limit + 1))
        }
        expectObjectError(.limitExceeded) { _ = try Transaction.decode(atLimit.cborValue.setting(5, body(limit + 1)).encoded) }
    }

    @Test func validatorsPerSet() throws {
        let limit = ObjectLimits.maxValidators
        #expect(limit == 256)
        let validators = try Self.manyKeys(limit + 1).map { try Validator(publicKey: $0.publicKey, power: 1) }
        let atLimit = try ValidatorSet(Array(validators.prefix(limit)))
        #expect(try ValidatorSet.decode(atLimit.encoded) == atLimit)
        expectObjectError(.limitExceeded) { _ = try ValidatorSet(validators) }
        let over = try ValidatorSet(Array(validators.suffix(limit)))
        var items = over.cborValue.field(1).arrayItems!
        items.append(contentsOf: atLimit.cborValue.field(1).arrayItems!.filter { !items.contains($0) })
        items.sort { $0.field(1).encoded.lexicographicallyPrecedes($1.field(1).encoded) }
        #expect(items.count == limit + 1)
        expectObjectError(.limitExceeded) { _ = try ValidatorSet.decode(atLimit.cborValue.setting(1, .array(items)).encoded) }
    }

    @Test func signaturesPerCommit() throws {
        let limit = ObjectLimits.maxValidators
        let signatures = (0...limit).map { index in
            CommitSignature(validator: Address(bytes: [UInt8](repeating: 0, count: 18) + [UInt8(index >> 8), UInt8(index & 0xff)])!,
                            signature: [UInt8](repeating: 1, count: 64))
        }
        let atLimit = try Commit(chainID: Fixtures.chain, height: 1, round: 0, blockID: Fixtures.hashA, signatures: Array(signatures.prefix(limit)))
        #expect(try Commit.decode(atLimit.encoded) == atLimit)
        expectObjectError(.limitExceeded) {
            _ = try Commit(chainID: Fixtures.chain, height: 1, round: 0, blockID: Fixtures.hashA, signatures: signatures)
        }
        let items = signatures.map { CBORValue.array([.bytes($0.validator.bytes), .bytes($0.signature)]) }
        expectObjectError(.limitExceeded) { _ = try Commit.decode(atLimit.cborValue.setting(5, .array(items)).encoded) }
        // A signature longer than any algorithm's is over its limit too.
        let long = CBORValue.array([.bytes(signatures[0].validator.bytes),
                                    .bytes([UInt8](repeating: 1, count: SignatureAlgorithm.mldsa65.signatureByteCount + 1))])
        expectObjectError(.limitExceeded) { _ = try Commit.decode(atLimit.cborValue.setting(5, .array([long])).encoded) }
        let empty = CBORValue.array([.bytes(signatures[0].validator.bytes), .bytes([])])
        expectObjectError(.limitExceeded) { _ = try Commit.decode(atLimit.cborValue.setting(5, .array([empty])).encoded) }
    }

    @Test func transactionsPerBlock() throws {
        let limit = ObjectLimits.maxBlockTransactions
        #expect(limit == 20_000)
        let header = try Fixtures.header(height: 1)
        let envelopes = [[UInt8]](repeating: [0xd2], count: limit)
        let atLimit = try Block(header: header, transactions: envelopes, lastCommit: nil)
        #expect(try Block.decode(atLimit.encoded).transactions.count == limit)
        expectObjectError(.limitExceeded) { _ = try Block(header: header, transactions: envelopes + [[0xd2]], lastCommit: nil) }
        let items = [CBORValue](repeating: .bytes([0xd2]), count: limit + 1)
        expectObjectError(.limitExceeded) { _ = try Block.decode(atLimit.cborValue.setting(2, .array(items)).encoded) }
    }

    @Test func accountsInGenesis() throws {
        let limit = ObjectLimits.maxGenesisAccounts
        #expect(limit == 10_000)
        let set = try Fixtures.validatorSet(count: 1).set
        // Any 32 bytes are an Ed25519 public key's encoding; distinct bytes give distinct accounts.
        let accounts = try (0...limit).map { index in
            GenesisAccount(publicKey: try PublicKey(algorithm: .ed25519, rawBytes: [UInt8](repeating: 7, count: 28) + withUnsafeBytes(of: UInt32(index).bigEndian, Array.init)),
                           balance: UInt64(index))
        }
        let atLimit = try Genesis(chainID: Fixtures.chain, timeMillis: 0, consensus: .dpos, validators: set, accounts: Array(accounts.prefix(limit)))
        #expect(try Genesis.decode(atLimit.encoded) == atLimit)
        expectObjectError(.limitExceeded) {
            _ = try Genesis(chainID: Fixtures.chain, timeMillis: 0, consensus: .dpos, validators: set, accounts: accounts)
        }
        var items = atLimit.cborValue.field(5).arrayItems!
        items.append(items[0])
        expectObjectError(.limitExceeded) { _ = try Genesis.decode(atLimit.cborValue.setting(5, .array(items)).encoded) }
    }
}
