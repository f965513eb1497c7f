import FogCore
import FogCrypto
import FogTestKit
import FogTypes
import Testing

/// Bounded fuzzing: random bytes and mutations of valid encodings never crash a decoder, and
/// whatever a decoder accepts re-encodes to exactly the bytes it was given (one encoding per value).
///
/// Each target gets random byte-level mutations (bit flips, interesting bytes, insertions, deletions,
/// truncations, duplicated slices), every single-edit neighbour of each valid value (any node
/// replaced by a value of another type or a nearby value, any map entry removed or a plausible one
/// added, any array item removed or duplicated; re-encoded deterministically, so these reach past
/// the CBOR layer into the schema checks), and random bytes. Seeds are fixed, so a failure names
/// its case and reproduces.
@Suite struct FuzzTests {
    static let byteMutationsPerSeed = 300
    static let randomInputs = 60

    /// A decoder under test: returns the bytes it would write for what it accepted, or throws.
    struct Target: Sendable, CustomTestStringConvertible {
        let name: String
        let seeds: [[UInt8]]
        /// Decodes and returns the re-encoding, or throws when the input is rejected.
        let reencode: @Sendable ([UInt8]) throws -> [UInt8]
        var testDescription: String { name }
    }

    static func object<T: CanonicalObject>(_ type: T.Type, _ seeds: [T]) -> Target {
        Target(name: "\(T.objectType)", seeds: seeds.map(\.encoded)) { bytes in try T.decode(bytes).encoded }
    }

    static func signed<T: SignedObject>(_ type: T.Type, _ seeds: [Signed<T>]) -> Target {
        Target(name: "signed \(T.objectType)", seeds: seeds.map(\.bytes)) { bytes in
            let signed = try Signed<T>(decoding: bytes)
            #expect(signed.object.encoded == signed.envelope.payload)
            return signed.envelope.encoded
        }
    }

    static let targets: [Target] = {
        let ed = Fixtures.signer(.ed25519)
        let p256 = Fixtures.signer(.p256)
        let mldsa = Fixtures.signer(.mldsa65)
        let device = ed.publicKey.address
        let (set, keys) = try! Fixtures.validatorSet([.ed25519, .p256], count: 4)
        let commit = try! Fixtures.commit(keys, height: 1)
        let readings = [try! Fixtures.reading(device: device), try! Fixtures.reading(device: device, content: .payload(hash: Fixtures.hashA, mediaType: "a/b")),
                        try! Fixtures.reading(device: device, content: .inline(.map([CBORMapEntry(.text("t"), .float(-4.5)), CBORMapEntry(.text("n"), .array([.int(1), .null])) ])))]
        let envelope = try! Signed.sign(readings[0], with: ed).bytes
        return [
            Target(name: "CBOR", seeds: readings.map(\.encoded) + [commit.encoded]) { bytes in try CBORReader.decode(bytes).encoded },
            Target(name: "COSE_Sign1", seeds: [envelope, try! COSESign1.sign(payload: [1, 2], with: p256).encoded]) { bytes in
                try COSESign1(decoding: bytes).encoded
            },
            Target(name: "COSE_Key", seeds: [ed, p256, mldsa].map { COSEKey.encode($0.publicKey) }) { bytes in
                let key = try COSEKey.decode(bytes)
                #expect(try COSEKey.decode(COSEKey.encode(key)) == key)
                // Only a kid (2) or an alg (3) may be added to the canonical form; without them the
                // input must be exactly the canonical encoding.
                let canonical = COSEKey.value(key).mapEntries!
                let extras = try CBORReader.decode(bytes).mapEntries!.filter { !canonical.contains($0) }
                #expect(extras.allSatisfy { $0.key == .int(2) || $0.key == .int(3) }, "\(extras)")
                return extras.isEmpty ? COSEKey.encode(key) : bytes
            },
            object(Reading.self, readings),
            object(ReadingBatch.self, [try! Fixtures.batch(device: device)]),
            object(Transaction.self, [try! Fixtures.transaction(signer: device)]),
            object(Proposal.self, [try! Fixtures.proposal(proposer: device, polRound: 1)]),
            object(Vote.self, [try! Fixtures.vote(validator: device), try! Fixtures.vote(validator: device, step: .prevote, block: nil)]),
            object(BlockHeader.self, [try! Fixtures.header(height: 2)]),
            object(Block.self, [try! Block(header: Fixtures.header(height: 2), transactions: [envelope, [0xd2]], lastCommit: commit)]),
            object(Commit.self, [commit]),
            object(ValidatorSet.self, [set, try! Fixtures.validatorSet([.mldsa65], count: 1).set]),
            object(Genesis.self, [try! Fixtures.genesis()]),
            signed(Reading.self, [try! Signed.sign(readings[2], with: ed)]),
            signed(ReadingBatch.self, [try! Signed.sign(try! Fixtures.batch(device: p256.publicKey.address), with: p256)]),
            signed(Transaction.self, [try! Signed.sign(try! Fixtures.transaction(signer: device), with: ed)]),
            signed(Vote.self, [try! Signed.sign(try! Fixtures.vote(validator: device), with: ed)]),
            signed(Proposal.self, [try! Signed.sign(try! Fixtures.proposal(proposer: mldsa.publicKey.address), with: mldsa)]),
        ]
    }()

    @Test(arguments: targets)
    func mutatedAndRandomInputs(_ target: Target) throws {
        var rng = SeededGenerator(seed: UInt64(target.name.utf8.reduce(0) { $0 &* 31 &+ Int($1) }.magnitude))
        var accepted = 0
        var cases = 0
        func check(_ input: [UInt8], _ how: String) {
            cases += 1
            guard let output = try? target.reencode(input) else { return }
            accepted += 1
            #expect(output == input, "\(target.name), \(how): accepted input re-encodes differently: \(Hex.encode(input.prefix(200)))")
        }
        for seed in target.seeds {
            #expect((try? target.reencode(seed)) == seed, "\(target.name): a seed is rejected or re-encodes differently")
            for index in 0..<Self.byteMutationsPerSeed {
                check(Mutator.mutateBytes(seed, &rng), "byte mutation \(index)")
            }
            if let value = try? CBORReader.decode(seed) {
                for (index, neighbour) in Mutator.neighbours(of: value).enumerated() {
                    check(neighbour.encoded, "single edit \(index)")
                }
                // Inside an envelope, edit the payload object and keep the signature.
                if case .tagged(18, .array(let parts)) = value, let payload = try? CBORReader.decode(parts[2].byteString ?? []) {
                    for (index, neighbour) in Mutator.neighbours(of: payload).enumerated() {
                        var changed = parts
                        changed[2] = .bytes(neighbour.encoded)
                        check(CBORValue.tagged(18, .array(changed)).encoded, "payload edit \(index)")
                    }
                }
            }
        }
        for index in 0..<Self.randomInputs {
            let length = Int.random(in: 0...64, using: &rng)
            var bytes = rng.bytes(length)
            if index % 2 == 0, !bytes.isEmpty { bytes[0] = [0xa0, 0xa5, 0xd2, 0x84, 0xa3][index % 5] }  // start like a map or envelope
            check(bytes, "random \(index)")
        }
        #expect(cases >= 200)
        #expect(accepted > 0, "\(target.name): no mutation was accepted, so re-encoding was never checked")
    }

    /// Signatures survive only on the exact payload: an accepted, mutated envelope that still verifies
    /// carries the original payload and protected header.
    @Test(arguments: SignatureAlgorithm.allCases)
    func mutatedEnvelopesDoNotVerify(_ algorithm: SignatureAlgorithm) throws {
        let key = Fixtures.signer(algorithm)
        let signed = try Signed.sign(try Fixtures.reading(device: key.publicKey.address), with: key)
        var rng = SeededGenerator(seed: 90 + UInt64(algorithm.coseAlgorithm.magnitude))
        for _ in 0..<100 {
            let input = Mutator.mutateBytes(signed.bytes, &rng)
            guard let decoded = try? Signed<Reading>(decoding: input), (try? decoded.verify(with: key.publicKey)) != nil else { continue }
            #expect(decoded.envelope.payload == signed.envelope.payload)
            #expect(decoded.envelope.protectedHeader == signed.envelope.protectedHeader)
        }
    }
}

/// Random changes to encodings and to decoded values.
enum Mutator {
    static let interestingBytes: [UInt8] = [0x00, 0x01, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1f, 0x20, 0x38, 0x40, 0x58, 0x5f, 0x60, 0x7f,
                                            0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xd2, 0xe0, 0xf4, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xff]

    static func mutateBytes(_ input: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            guard !bytes.isEmpty else { bytes.append(interestingBytes.randomElement(using: &rng)!); continue }
            let index = Int.random(in: bytes.indices, using: &rng)
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            case 1: bytes[index] = UInt8.random(in: 0...255, using: &rng)
            case 2: bytes[index] = interestingBytes.randomElement(using: &rng)!
            case 3: bytes.insert(interestingBytes.randomElement(using: &rng)!, at: index)
            case 4: bytes.remove(at: index)
            case 5: bytes.removeLast(Int.random(in: 1...bytes.count, using: &rng))
            case 6:
                let end = min(bytes.count, index + Int.random(in: 1...8, using: &rng))
                bytes.insert(contentsOf: bytes[index..<end], at: index)
            default:
                let other = Int.random(in: bytes.indices, using: &rng)
                bytes.swapAt(index, other)
            }
        }
        return bytes
    }

    static let replacements: [CBORValue] = [
        .int(0), .int(1), .int(-1), .int(24), .unsigned(.max), .negative(.max), .null, .bool(false), .undefined, .text(""),
        .text("a"), .bytes([]), .bytes([UInt8](repeating: 0, count: 20)), .bytes([UInt8](repeating: 0xff, count: 32)),
        .array([]), .map([]), .float(1.5), .float(-0.0), .tagged(18, .null), .simple(0),
        .int(-8), .int(-7), .int(-49), .int(-19),  // COSE algorithms
    ]

    /// Map entries a decoder might be tempted to ignore: COSE labels (kid 2, alg 3, key_ops 4,
    /// d -4), an unknown high key, a text key.
    static let extraEntries: [CBORMapEntry] = [
        CBORMapEntry(.int(2), .bytes([])), CBORMapEntry(.int(2), .bytes([UInt8](repeating: 0, count: 20))),
        CBORMapEntry(.int(3), .int(-8)), CBORMapEntry(.int(3), .int(-7)), CBORMapEntry(.int(3), .int(-49)),
        CBORMapEntry(.int(4), .array([])), CBORMapEntry(.int(-4), .bytes([1])), CBORMapEntry(.int(99), .int(0)),
        CBORMapEntry(.text("k"), .int(0)),
    ]

    /// Nearby values of a scalar: off by one, extremes, the other integer sign, one byte more or less.
    static func nearby(_ value: CBORValue) -> [CBORValue] {
        switch value {
        case .unsigned(let n): return [.unsigned(n &+ 1), .unsigned(n &- 1), .negative(n)]
        case .negative(let n): return [.negative(n &+ 1), .negative(n &- 1), .unsigned(n)]
        case .bytes(let b): return [.bytes(b + [0]), .bytes(Array(b.dropLast())), .bytes(b.isEmpty ? [] : [b[0] ^ 0x80] + b.dropFirst())]
        case .text(let t): return [.text(t + "x"), .text(String(t.dropLast())), .text(t.uppercased()), .bytes(Array(t.utf8))]
        default: return []
        }
    }

    /// Every value that differs from `value` by one edit somewhere inside it.
    static func neighbours(of value: CBORValue) -> [CBORValue] {
        var out = replacements.filter { $0 != value } + nearby(value)
        switch value {
        case .map(let entries):
            for index in entries.indices {
                var without = entries
                without.remove(at: index)
                out.append(.map(without))
                for neighbour in neighbours(of: entries[index].value) {
                    var changed = entries
                    changed[index].value = neighbour
                    out.append(.map(changed))
                }
            }
            for extra in extraEntries where !entries.contains(where: { $0.key == extra.key }) {
                out.append(.map(entries + [extra]))
            }
            let next = (entries.compactMap { $0.key.int64 }.max() ?? -1) + 1
            out.append(.map(entries + [CBORMapEntry(.int(next), .int(0))]))
        case .array(let items):
            for index in items.indices {
                var without = items
                without.remove(at: index)
                out.append(.array(without))
                var twice = items
                twice.insert(items[index], at: index)
                out.append(.array(twice))
                for neighbour in neighbours(of: items[index]) {
                    var changed = items
                    changed[index] = neighbour
                    out.append(.array(changed))
                }
            }
            if items.count > 1 { out.append(.array(items.reversed())) }
        case .tagged(let tag, let inner):
            out.append(.tagged(tag &+ 1, inner))
            out.append(inner)
            out += neighbours(of: inner).map { .tagged(tag, $0) }
        default:
            break
        }
        return out
    }
}
