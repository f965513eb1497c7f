/// An element of GF(2^255 − 19) in five 51-bit limbs (little-endian), the representation of
/// Bernstein et al.'s "ed25519-donna" and most 64-bit implementations.
///
/// Limbs are kept loosely reduced: after a product, a square or a difference each limb is below
/// 2^52; a sum of two such elements (below 2^53) is still a valid factor (the column sums of a
/// product then stay below 2^117). Only ``canonicalWords`` reduces fully.
struct Field25519: Sendable {
    var l0, l1, l2, l3, l4: UInt64

    static let mask: UInt64 = (1 << 51) - 1
    static let zero = Field25519(l0: 0, l1: 0, l2: 0, l3: 0, l4: 0)
    static let one = Field25519(l0: 1, l1: 0, l2: 0, l3: 0, l4: 0)

    @inline(__always)
    init(l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64, l4: UInt64) {
        (self.l0, self.l1, self.l2, self.l3, self.l4) = (l0, l1, l2, l3, l4)
    }

    /// The element whose little-endian encoding is the 32 `bytes`, bit 255 ignored. Values from p
    /// to 2^255 − 1 are accepted and act as their residue.
    init(bytes: UnsafeRawBufferPointer) {
        func word(_ index: Int) -> UInt64 {
            UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
        }
        let w0 = word(0), w1 = word(1), w2 = word(2), w3 = word(3)
        l0 = w0 & Self.mask
        l1 = (w0 >> 51 | w1 << 13) & Self.mask
        l2 = (w1 >> 38 | w2 << 26) & Self.mask
        l3 = (w2 >> 25 | w3 << 39) & Self.mask
        l4 = (w3 >> 12) & Self.mask
    }

    /// The canonical 32-byte little-endian encoding (fully reduced, bit 255 clear).
    var bytes: [UInt8] {
        let words = canonicalWords
        return [words.0, words.1, words.2, words.3].flatMap { word in
            (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) }
        }
    }

    /// The fully reduced value as four little-endian 64-bit words.
    var canonicalWords: (UInt64, UInt64, UInt64, UInt64) {
        var t = self.carried().carried()
        // Now t < 2^255 + small; subtract p once if t ≥ p, found by adding 19 and looking at bit 255.
        var q = (t.l0 &+ 19) >> 51
        q = (t.l1 &+ q) >> 51
        q = (t.l2 &+ q) >> 51
        q = (t.l3 &+ q) >> 51
        q = (t.l4 &+ q) >> 51
        t.l0 &+= 19 &* q
        t.l1 &+= t.l0 >> 51; t.l0 &= Self.mask
        t.l2 &+= t.l1 >> 51; t.l1 &= Self.mask
        t.l3 &+= t.l2 >> 51; t.l2 &= Self.mask
        t.l4 &+= t.l3 >> 51; t.l3 &= Self.mask
        t.l4 &= Self.mask
        return (t.l0 | t.l1 << 51, t.l1 >> 13 | t.l2 << 38, t.l2 >> 26 | t.l3 << 25, t.l3 >> 39 | t.l4 << 12)
    }

    var isZero: Bool {
        let words = canonicalWords
        return words.0 | words.1 | words.2 | words.3 == 0
    }

    /// Whether the canonical value is odd: RFC 8032's sign of x.
    var isNegative: Bool { canonicalWords.0 & 1 == 1 }

    /// One carry pass: every limb below 2^51 plus a small excess in the lowest.
    @inline(__always)
    func carried() -> Field25519 {
        var r = self
        r.l1 &+= r.l0 >> 51; r.l0 &= Self.mask
        r.l2 &+= r.l1 >> 51; r.l1 &= Self.mask
        r.l3 &+= r.l2 >> 51; r.l2 &= Self.mask
        r.l4 &+= r.l3 >> 51; r.l3 &= Self.mask
        r.l0 &+= 19 &* (r.l4 >> 51); r.l4 &= Self.mask
        return r
    }

    @inline(__always)
    static func + (a: Field25519, b: Field25519) -> Field25519 {
        Field25519(l0: a.l0 &+ b.l0, l1: a.l1 &+ b.l1, l2: a.l2 &+ b.l2, l3: a.l3 &+ b.l3, l4: a.l4 &+ b.l4)
    }

    /// `a − b`, computed as `a + 16p − b` and carried, for `b`'s limbs below 2^55.
    @inline(__always)
    static func - (a: Field25519, b: Field25519) -> Field25519 {
        Field25519(l0: (a.l0 &+ 0x7_FFFF_FFFF_FFED_0) &- b.l0, l1: (a.l1 &+ 0x7_FFFF_FFFF_FFFF_0) &- b.l1,
                   l2: (a.l2 &+ 0x7_FFFF_FFFF_FFFF_0) &- b.l2, l3: (a.l3 &+ 0x7_FFFF_FFFF_FFFF_0) &- b.l3,
                   l4: (a.l4 &+ 0x7_FFFF_FFFF_FFFF_0) &- b.l4).carried()
    }

    @inline(__always)
    static prefix func - (a: Field25519) -> Field25519 { zero - a }

    @inline(__always)
    private static func wide(_ a: UInt64, _ b: UInt64) -> UInt128 { UInt128(a) &* UInt128(b) }

    /// Reduces five 128-bit column sums (each below 2^117) to a loosely reduced element.
    @inline(__always)
    private static func reduce(_ c0: UInt128, _ c1: UInt128, _ c2: UInt128, _ c3: UInt128, _ c4: UInt128) -> Field25519 {
        var c1 = c1, c2 = c2, c3 = c3, c4 = c4
        c1 &+= c0 >> 51
        c2 &+= c1 >> 51
        c3 &+= c2 >> 51
        c4 &+= c3 >> 51
        let r0 = UInt128(UInt64(truncatingIfNeeded: c0) & mask) &+ (c4 >> 51) &* 19
        let r1 = (UInt64(truncatingIfNeeded: c1) & mask) &+ UInt64(truncatingIfNeeded: r0 >> 51)
        return Field25519(l0: UInt64(truncatingIfNeeded: r0) & mask, l1: r1,
                          l2: UInt64(truncatingIfNeeded: c2) & mask, l3: UInt64(truncatingIfNeeded: c3) & mask,
                          l4: UInt64(truncatingIfNeeded: c4) & mask)
    }

    @inline(__always)
    static func * (a: Field25519, b: Field25519) -> Field25519 {
        let b1 = b.l1 &* 19, b2 = b.l2 &* 19, b3 = b.l3 &* 19, b4 = b.l4 &* 19
        let c0 = wide(a.l0, b.l0) &+ wide(a.l1, b4) &+ wide(a.l2, b3) &+ wide(a.l3, b2) &+ wide(a.l4, b1)
        let c1 = wide(a.l0, b.l1) &+ wide(a.l1, b.l0) &+ wide(a.l2, b4) &+ wide(a.l3, b3) &+ wide(a.l4, b2)
        let c2 = wide(a.l0, b.l2) &+ wide(a.l1, b.l1) &+ wide(a.l2, b.l0) &+ wide(a.l3, b4) &+ wide(a.l4, b3)
        let c3 = wide(a.l0, b.l3) &+ wide(a.l1, b.l2) &+ wide(a.l2, b.l1) &+ wide(a.l3, b.l0) &+ wide(a.l4, b4)
        let c4 = wide(a.l0, b.l4) &+ wide(a.l1, b.l3) &+ wide(a.l2, b.l2) &+ wide(a.l3, b.l1) &+ wide(a.l4, b.l0)
        return reduce(c0, c1, c2, c3, c4)
    }

    @inline(__always)
    func squared() -> Field25519 {
        let d0 = l0 &* 2, d1 = l1 &* 2, d2 = l2 &* 2, d3 = l3 &* 2
        let l3x19 = l3 &* 19, l4x19 = l4 &* 19
        let c0 = Self.wide(l0, l0) &+ Self.wide(d1, l4x19) &+ Self.wide(d2, l3x19)
        let c1 = Self.wide(d0, l1) &+ Self.wide(d2, l4x19) &+ Self.wide(l3, l3x19)
        let c2 = Self.wide(d0, l2) &+ Self.wide(l1, l1) &+ Self.wide(d3, l4x19)
        let c3 = Self.wide(d0, l3) &+ Self.wide(d1, l2) &+ Self.wide(l4, l4x19)
        let c4 = Self.wide(d0, l4) &+ Self.wide(d1, l3) &+ Self.wide(l2, l2)
        return Self.reduce(c0, c1, c2, c3, c4)
    }

    /// `self^(2^count)`.
    @inline(__always)
    func squared(times count: Int) -> Field25519 {
        var r = self
        for _ in 0..<count { r = r.squared() }
        return r
    }

    /// (`self^(2^250 − 1)`, `self^11`): the shared part of inversion and square roots.
    private func pow2_250_1() -> (Field25519, Field25519) {
        let z2 = squared()
        let z9 = z2.squared(times: 2) * self
        let z11 = z9 * z2
        let z5_0 = z11.squared() * z9
        let z10_0 = z5_0.squared(times: 5) * z5_0
        let z20_0 = z10_0.squared(times: 10) * z10_0
        let z40_0 = z20_0.squared(times: 20) * z20_0
        let z50_0 = z40_0.squared(times: 10) * z10_0
        let z100_0 = z50_0.squared(times: 50) * z50_0
        let z200_0 = z100_0.squared(times: 100) * z100_0
        let z250_0 = z200_0.squared(times: 50) * z50_0
        return (z250_0, z11)
    }

    /// `self^(p − 2)`, the inverse (0 for 0).
    func inverted() -> Field25519 {
        let (z250_0, z11) = pow2_250_1()
        return z250_0.squared(times: 5) * z11
    }

    /// `self^((p − 5) / 8)`, the exponent of RFC 8032's square root.
    func pow22523() -> Field25519 {
        let (z250_0, _) = pow2_250_1()
        return z250_0.squared(times: 2) * self
    }

    /// Equality of the represented residues.
    func equals(_ other: Field25519) -> Bool { (self - other).isZero }
}
