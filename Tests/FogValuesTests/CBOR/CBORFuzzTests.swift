import FogCore
import FogTestKit
import Testing

/// Bounded, seeded fuzzing of the reader and property tests of the writer. Each test runs a fixed set of
/// seeds; a failure names its seed and input, so `SeededGenerator(seed:)` replays it exactly.
@Suite struct CBORFuzzTests {
    static let seeds: [UInt64] = [1, 2, 3, 0xf06_1ed6e5, 0xdead_beef]

    /// What the reader must guarantee for any input: no crash; an accepted input is the deterministic
    /// encoding of the value decoded (re-encodes byte for byte); a rejection points inside the input or
    /// just past its end. Returns a description of the first broken guarantee.
    static func violation(_ bytes: [UInt8], limits: CBORLimits = .default) -> String? {
        do {
            let value = try CBORReader.decode(bytes, limits: limits)
            let reencoded = value.encoded
            return reencoded == bytes ? nil : "accepted \(Hex.encode(bytes)) but re-encodes as \(Hex.encode(reencoded))"
        } catch {
            guard let offset = error.offset, offset >= 0, offset <= max(bytes.count, limits.maxInputBytes) else {
                return "rejected \(Hex.encode(bytes)) with an offset outside the input: \(error)"
            }
            return nil
        }
    }

    /// Random bytes, half uniform and half drawn from initial bytes with interesting additional information.
    @Test(arguments: seeds)
    func randomBytesNeverCrashTheReader(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var failures: [String] = []
        for _ in 0..<3_000 {
            let bytes = (0..<Int.random(in: 0...24, using: &rng)).map { _ in Self.interestingByte(using: &rng) }
            if let problem = Self.violation(bytes) { failures.append(problem) }
            if let problem = Self.violation(bytes, limits: Self.tight) { failures.append("tight limits: " + problem) }
        }
        #expect(failures.isEmpty, "seed \(seed): \(failures.prefix(5))")
    }

    /// Bit flips, truncations, insertions, deletions and duplications of valid encodings.
    @Test(arguments: seeds)
    func mutatedEncodingsNeverCrashAndAcceptOnlyTheirOwnEncoding(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let random = RandomCBOR()
        var failures: [String] = []
        var accepted = 0
        for _ in 0..<600 {
            let original = random.value(using: &rng).encoded
            for _ in 0..<4 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...3, using: &rng) { Self.mutate(&bytes, using: &rng) }
                if let problem = Self.violation(bytes) { failures.append(problem) }
                if (try? CBORReader.decode(bytes)) != nil { accepted += 1 }
            }
        }
        #expect(failures.isEmpty, "seed \(seed): \(failures.prefix(5))")
        #expect(accepted > 0, "seed \(seed): no mutation was accepted, so the re-encoding check never ran")
    }

    /// Every proper prefix of a valid encoding is `truncated`, at the offset where the input ends.
    @Test(arguments: seeds)
    func everyProperPrefixIsTruncated(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let random = RandomCBOR(maxDepth: 3, maxCount: 4, maxStringBytes: 8)
        var failures: [String] = []
        for _ in 0..<60 {
            let bytes = random.value(using: &rng).encoded
            for length in 0..<bytes.count {
                do {
                    _ = try CBORReader.decode(Array(bytes[..<length]))
                    failures.append("prefix \(length) of \(Hex.encode(bytes)) accepted")
                } catch {
                    if error.code != .truncated || error.offset != length {
                        failures.append("prefix \(length) of \(Hex.encode(bytes)): \(error)")
                    }
                }
            }
        }
        #expect(failures.isEmpty, "seed \(seed): \(failures.prefix(5))")
    }

    /// decode(encode(v)) is v — bit for bit, with maps in deterministic order and NaN canonical.
    @Test(arguments: seeds)
    func randomValuesRoundTrip(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let random = RandomCBOR()
        var failures: [String] = []
        for _ in 0..<800 {
            let value = random.value(using: &rng)
            let bytes = value.encoded
            do {
                let decoded = try CBORReader.decode(bytes)
                if !decoded.isIdentical(to: value.deterministic) || decoded.encoded != bytes {
                    failures.append("\(value) decodes as \(decoded)")
                }
            } catch {
                failures.append("\(value) encodes as \(Hex.encode(bytes)), which is rejected: \(error)")
            }
        }
        #expect(failures.isEmpty, "seed \(seed): \(failures.prefix(5))")
    }

    /// The order of map entries handed to the writer never changes the bytes.
    @Test(arguments: seeds)
    func mapEntryOrderNeverChangesTheBytes(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let random = RandomCBOR(maxDepth: 4, maxCount: 6)
        var failures: [String] = []
        for _ in 0..<300 {
            let value = random.value(using: &rng)
            let bytes = value.encoded
            let shuffled = Self.shuffleMaps(value, using: &rng)
            if shuffled.encoded != bytes || Self.reverseMaps(value).encoded != bytes
                || value.deterministic.encoded != bytes {
                failures.append("\(value)")
            }
        }
        #expect(failures.isEmpty, "seed \(seed): \(failures.prefix(5))")
    }

    @Test func randomValuesStayWithinTheirBounds() {
        var rng = SeededGenerator(seed: 42)
        let random = RandomCBOR(maxDepth: 3, maxCount: 4, maxStringBytes: 10)
        let limits = CBORLimits(maxInputBytes: 1 << 20, maxDepth: 3, maxCollectionCount: 4, maxStringBytes: 10)
        for _ in 0..<200 {
            let value = random.value(using: &rng)
            #expect(throws: Never.self) { try CBORReader.decode(value.encoded, limits: limits) }
        }
    }

    // MARK: - Helpers

    static let tight = CBORLimits(maxInputBytes: 16, maxDepth: 3, maxCollectionCount: 3, maxStringBytes: 4)

    static func interestingByte(using rng: inout some RandomNumberGenerator) -> UInt8 {
        if Bool.random(using: &rng) { return UInt8.random(in: 0...255, using: &rng) }
        let info: [UInt8] = [0, 1, 23, 24, 25, 26, 27, 28, 31]
        return UInt8.random(in: 0...7, using: &rng) << 5 | info[Int.random(in: 0..<info.count, using: &rng)]
    }

    static func mutate(_ bytes: inout [UInt8], using rng: inout some RandomNumberGenerator) {
        guard !bytes.isEmpty else {
            bytes.append(interestingByte(using: &rng))
            return
        }
        let index = Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<6, using: &rng) {
        case 0:  // flip one bit
            bytes[index] ^= 1 << UInt8.random(in: 0...7, using: &rng)
        case 1:  // truncate
            bytes.removeSubrange(index...)
        case 2:  // insert a byte
            bytes.insert(interestingByte(using: &rng), at: index)
        case 3:  // delete a range
            bytes.removeSubrange(index..<Int.random(in: index...bytes.count, using: &rng))
        case 4:  // duplicate a range in place
            let end = Int.random(in: index...bytes.count, using: &rng)
            bytes.insert(contentsOf: bytes[index..<end], at: end)
        default:  // overwrite with an interesting byte
            bytes[index] = interestingByte(using: &rng)
        }
    }

    static func shuffleMaps(_ value: CBORValue, using rng: inout some RandomNumberGenerator) -> CBORValue {
        switch value {
        case .array(let items):
            return .array(items.map { shuffleMaps($0, using: &rng) })
        case .map(let entries):
            return .map(entries.map { CBORMapEntry(shuffleMaps($0.key, using: &rng), shuffleMaps($0.value, using: &rng)) }
                .shuffled(using: &rng))
        case .tagged(let tag, let item):
            return .tagged(tag, shuffleMaps(item, using: &rng))
        default:
            return value
        }
    }

    static func reverseMaps(_ value: CBORValue) -> CBORValue {
        switch value {
        case .array(let items): return .array(items.map(reverseMaps))
        case .map(let entries): return .map(entries.reversed().map { CBORMapEntry(reverseMaps($0.key), reverseMaps($0.value)) })
        case .tagged(let tag, let item): return .tagged(tag, reverseMaps(item))
        default: return value
        }
    }
}
