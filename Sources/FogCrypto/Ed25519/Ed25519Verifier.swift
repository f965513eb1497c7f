/// FogLedger's Ed25519 verification rule, and checking many signatures in one equation.
///
/// A signature (R, S) by key A over message M is valid when S < L, A and R decode (y taken modulo p,
/// the sign of x from bit 255) and the cofactored equation [8]·S·B = [8]·R + [8]·k·A holds, with
/// k = SHA-512(R ‖ A ‖ M) mod L. This is RFC 8032 §5.1.7's equation multiplied by the cofactor, as in
/// ZIP 215: whether a signature is valid cannot depend on how it is checked (alone or in a batch,
/// with any weights), so every validator reaches the same verdict. Every signature BoringSSL's
/// cofactorless check accepts satisfies it; it also accepts signatures whose R or A carries a
/// small-order component, which only the key's own holder can make.
enum Ed25519Verifier {
    /// One signature waiting to be checked.
    struct Item {
        let publicKey: [UInt8]
        let signature: [UInt8]
        let message: [UInt8]
    }

    /// Odd multiples B, 3B, …, 127B of the base point (the width-8 table of its scalar's low half),
    /// then those of 2^128·B (for its high half).
    private static let baseTable = oddMultiples(of: .base, count: baseTableHalf)
        + oddMultiples(of: EdwardsPoint.base.timesTwoTo128, count: baseTableHalf)
    /// Entries of ``baseTable`` per half.
    private static let baseTableHalf = 64
    /// Width of the other points' non-adjacent forms.
    private static let width = 5
    /// The odd multiples kept of each other point: P, 3P, …, 15P.
    static let tableSize = 1 << (width - 2)

    /// Whether `item` is valid under the rule (the batch of one, with weight 1).
    static func isValid(_ item: Item) -> Bool {
        areAllValid([item])
    }

    /// Whether every item is valid: one 128-bit weight z_i per item (``weights(of:challenges:)``),
    /// and the check [8]·(Σ z_i·R_i + Σ (z_i·k_i)·A_i − (Σ z_i·S_i)·B) = 0. An invalid item makes it
    /// fail except with probability about 2^−128; valid items always pass.
    ///
    /// Every scalar is below 2^128, so the sum needs 128 doublings, not 253: z_i·k_i is split as
    /// c + 2^128·c′ and added as c·A_i + c′·(2^128·A_i), with 2^128·A_i's table cached beside A_i's
    /// (``keyTable(of:)``), and the base scalar likewise with a second table for 2^128·B. The
    /// additions stay as many; the doublings, shared by the whole batch, halve, which is most of
    /// the cost of a small batch.
    static func areAllValid(_ items: [Item]) -> Bool {
        guard items.allSatisfy({ $0.signature.count == 64 && $0.publicKey.count == 32 }) else { return false }
        let keyTables = Ed25519KeyPointCache.shared.tables(of: items.map(\.publicKey))
        var decoded: [(s: Scalar25519, r: EdwardsPoint, k: Scalar25519, a: [CachedPoint])] = []
        decoded.reserveCapacity(items.count)
        for (item, a) in zip(items, keyTables) {
            guard let a,
                  let s = item.signature.withUnsafeBytes({ Scalar25519(canonical: UnsafeRawBufferPointer(rebasing: $0[32...])) }),
                  let r = item.signature.withUnsafeBytes({ EdwardsPoint(encoded: UnsafeRawBufferPointer(rebasing: $0[..<32])) })
            else { return false }
            decoded.append((s, r, challenge(r: item.signature[..<32], publicKey: item.publicKey, message: item.message), a))
        }
        let weights = items.count == 1 ? [Scalar25519.one] : weights(of: items, challenges: decoded.map(\.k))
        var baseScalar = Scalar25519.zero
        var scalars: [Scalar25519] = []
        var tables: [CachedPoint] = []
        scalars.reserveCapacity(items.count * 3)
        tables.reserveCapacity(items.count * 3 * tableSize)
        for (entry, z) in zip(decoded, weights) {
            baseScalar = baseScalar + z * entry.s
            scalars.append(z)
            tables.append(contentsOf: oddMultiples(of: entry.r, count: tableSize))
            let keyScalar = (z * entry.k).halves
            scalars.append(keyScalar.low)
            scalars.append(keyScalar.high)
            tables.append(contentsOf: entry.a)
        }
        return multiScalarMultiple(scalars, tables: tables, baseScalar: baseScalar.negated).timesCofactor.isIdentity
    }

    /// Domain separation of the weights' seed.
    private static let weightsLabel = Array("FogLedger Ed25519 batch weights".utf8)

    /// One 128-bit weight per item, derived from the whole batch: a seed is SHA-512 of every item's
    /// signature, key and challenge, and each SHA-512(seed ‖ counter) gives four weights. Whoever
    /// made an invalid signature cannot know its weight before the batch is fixed, and changing
    /// anything in the batch changes every weight, so a batch with an invalid signature passes with
    /// probability about 2^−128 per batch tried, as with random weights, while the check stays a
    /// function of its input.
    static func weights(of items: [Item], challenges: [Scalar25519]) -> [Scalar25519] {
        var seedHasher = SHA512Backend()
        seedHasher.update(weightsLabel[...])
        for (item, k) in zip(items, challenges) {
            seedHasher.update(item.signature[...])
            seedHasher.update(item.publicKey[...])
            k.withLittleEndianBytes { seedHasher.update($0) }
        }
        let seed = seedHasher.withDigest { Array($0) }
        var weights: [Scalar25519] = []
        weights.reserveCapacity(items.count)
        var counter: UInt64 = 0
        while weights.count < items.count {
            var hasher = SHA512Backend()
            hasher.update(seed[...])
            withUnsafeBytes(of: counter.littleEndian) { hasher.update($0) }
            hasher.withDigest { digest in
                for lane in 0..<4 where weights.count < items.count {
                    weights.append(Scalar25519(
                        low: UInt64(littleEndian: digest.loadUnaligned(fromByteOffset: lane * 16, as: UInt64.self)),
                        high: UInt64(littleEndian: digest.loadUnaligned(fromByteOffset: lane * 16 + 8, as: UInt64.self))))
                }
            }
            counter += 1
        }
        return weights
    }

    /// k = SHA-512(R ‖ A ‖ M) mod L.
    static func challenge(r: ArraySlice<UInt8>, publicKey: [UInt8], message: [UInt8]) -> Scalar25519 {
        var hasher = SHA512Backend()
        hasher.update(r)
        hasher.update(publicKey[...])
        hasher.update(message[...])
        return hasher.withDigest { Scalar25519(reducing64: $0) }
    }

    /// Σ scalars[i]·P_i + baseScalar·B, by Straus's interleaved method over width-w non-adjacent
    /// forms: one shared chain of doublings (as long as the largest scalar), an addition per nonzero
    /// digit. `tables` holds each P_i's ``tableSize`` odd multiples (``oddMultiples(of:count:)``), in
    /// the scalars' order. The base scalar is split in halves below 2^128 (``baseTable``).
    static func multiScalarMultiple(_ scalars: [Scalar25519], tables: [CachedPoint],
                                    baseScalar: Scalar25519) -> EdwardsPoint {
        precondition(tables.count == scalars.count * tableSize)
        var digits = [Int8](repeating: 0, count: scalars.count * 256)
        for index in scalars.indices {
            scalars[index].writeNonAdjacentForm(width: width, into: &digits[(index * 256)..<(index * 256 + 256)])
        }
        var baseDigits = [Int8](repeating: 0, count: 512)
        let baseHalves = baseScalar.halves
        baseHalves.low.writeNonAdjacentForm(width: 8, into: &baseDigits[0..<256])
        baseHalves.high.writeNonAdjacentForm(width: 8, into: &baseDigits[256..<512])
        var top = 255
        while top >= 0, baseDigits[top] == 0, baseDigits[256 + top] == 0,
              !stride(from: top, to: digits.count, by: 256).contains(where: { digits[$0] != 0 }) {
            top -= 1
        }
        var sum = EdwardsPoint.identity
        guard top >= 0 else { return sum }
        digits.withUnsafeBufferPointer { digits in
            tables.withUnsafeBufferPointer { tables in
                baseTable.withUnsafeBufferPointer { baseTable in
                    for position in stride(from: top, through: 0, by: -1) {
                        sum = sum.doubled()
                        var digit = position
                        var entry = 0
                        while digit < digits.count {
                            add(digits[digit], from: tables, at: entry, to: &sum)
                            digit &+= 256
                            entry &+= tableSize
                        }
                        add(baseDigits[position], from: baseTable, at: 0, to: &sum)
                        add(baseDigits[256 &+ position], from: baseTable, at: baseTableHalf, to: &sum)
                    }
                }
            }
        }
        return sum
    }

    /// Adds `digit`·P to `sum`, where `table[start...]` holds P's odd multiples.
    @inline(__always)
    private static func add(_ digit: Int8, from table: UnsafeBufferPointer<CachedPoint>, at start: Int,
                            to sum: inout EdwardsPoint) {
        if digit > 0 {
            sum = sum + table[start &+ Int(digit) >> 1]
        } else if digit < 0 {
            sum = sum - table[start &+ Int(-digit) >> 1]
        }
    }

    /// A key's table for ``multiScalarMultiple(_:tables:baseScalar:)``: the odd multiples of A, then
    /// those of 2^128·A (two scalars' worth, ``tableSize`` each).
    static func keyTable(of point: EdwardsPoint) -> [CachedPoint] {
        oddMultiples(of: point, count: tableSize) + oddMultiples(of: point.timesTwoTo128, count: tableSize)
    }

    /// P, 3P, 5P, … (`count` of them), ready to add.
    static func oddMultiples(of point: EdwardsPoint, count: Int) -> [CachedPoint] {
        var table = [point.cached]
        table.reserveCapacity(count)
        let twice = point.doubled().cached
        var current = point
        for _ in 1..<count {
            current = current + twice
            table.append(current.cached)
        }
        return table
    }
}
