/// Integers modulo the order L = 2^252 + 27742317777372353535851937790883648493 of edwards25519's
/// prime-order subgroup, as four little-endian 64-bit limbs, always below L.
///
/// The arithmetic works on limbs kept in tuples on the stack: a batch check does a few scalar
/// products per signature, and heap-allocated limb arrays cost as much as the products.
struct Scalar25519: Sendable, Equatable {
    typealias Limbs = (UInt64, UInt64, UInt64, UInt64)
    /// Scratch space for products: up to ten limbs.
    private typealias Wide = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    private(set) var limbs: Limbs

    /// L.
    private static let order: Wide = (0x5812_631A_5CF5_D3ED, 0x14DE_F9DE_A2F7_9CD6, 0, 0x1000_0000_0000_0000, 0, 0, 0, 0, 0, 0)
    /// ⌊2^512 / L⌋, Barrett's constant for reducing 512-bit values (five limbs).
    private static let barrett: Wide = (0xED9C_E5A3_0A2C_131B, 0x2106_215D_0863_29A7, 0xFFFF_FFFF_FFFF_FFEB,
                                        0xFFFF_FFFF_FFFF_FFFF, 0xF, 0, 0, 0, 0, 0)
    private static let zeroWide: Wide = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    static let zero = Scalar25519(limbs: (0, 0, 0, 0))
    static let one = Scalar25519(limbs: (1, 0, 0, 0))

    private init(limbs: Limbs) { self.limbs = limbs }

    /// A 128-bit scalar (a batch-verification weight).
    init(low: UInt64, high: UInt64) { limbs = (low, high, 0, 0) }

    /// The scalar of 32 little-endian bytes when it is below L (the canonical range RFC 8032 requires
    /// of a signature's S), else `nil`.
    init?(canonical bytes: UnsafeRawBufferPointer) {
        func word(_ index: Int) -> UInt64 {
            UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
        }
        var wide = Self.zeroWide
        (wide.0, wide.1, wide.2, wide.3) = (word(0), word(1), word(2), word(3))
        guard Self.withLimbs(wide, { value in Self.withLimbs(Self.order) { Self.isLess(value, $0, count: 4) } }) else {
            return nil
        }
        limbs = (wide.0, wide.1, wide.2, wide.3)
    }

    /// The residue of a 64-byte little-endian integer (a SHA-512 digest).
    init(reducing64 bytes: UnsafeRawBufferPointer) {
        func word(_ index: Int) -> UInt64 {
            UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
        }
        var wide = Self.zeroWide
        (wide.0, wide.1, wide.2, wide.3, wide.4, wide.5, wide.6, wide.7) =
            (word(0), word(1), word(2), word(3), word(4), word(5), word(6), word(7))
        self = Self.reduce(wide)
    }

    static func == (a: Scalar25519, b: Scalar25519) -> Bool {
        a.limbs.0 == b.limbs.0 && a.limbs.1 == b.limbs.1 && a.limbs.2 == b.limbs.2 && a.limbs.3 == b.limbs.3
    }

    /// The 32-byte little-endian encoding.
    var littleEndianBytes: [UInt8] { withLittleEndianBytes { Array($0) } }

    /// `body` applied to the 32-byte little-endian encoding, without allocating it.
    func withLittleEndianBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        withUnsafeBytes(of: (limbs.0.littleEndian, limbs.1.littleEndian, limbs.2.littleEndian, limbs.3.littleEndian), body)
    }

    static func * (a: Scalar25519, b: Scalar25519) -> Scalar25519 {
        var product = zeroWide
        withMutableLimbs(&product) { out in
            withLimbs(a.wide) { x in withLimbs(b.wide) { y in multiply(x, 4, y, 4, into: out) } }
        }
        return reduce(product)
    }

    static func + (a: Scalar25519, b: Scalar25519) -> Scalar25519 {
        // Both are below L < 2^253, so the sum fits in four limbs.
        var sum = zeroWide
        withMutableLimbs(&sum) { out in
            withLimbs(a.wide) { x in withLimbs(b.wide) { y in _ = add(x, y, into: out, count: 4) } }
            withLimbs(order) { l in
                if !isLess(UnsafePointer(out), l, count: 4) { subtract(l, from: out, count: 4) }
            }
        }
        return Scalar25519(limbs: (sum.0, sum.1, sum.2, sum.3))
    }

    /// `L − self` (0 for 0).
    var negated: Scalar25519 {
        guard self != .zero else { return .zero }
        var difference = Self.order
        Self.withMutableLimbs(&difference) { out in Self.withLimbs(wide) { Self.subtract($0, from: out, count: 4) } }
        return Scalar25519(limbs: (difference.0, difference.1, difference.2, difference.3))
    }

    /// The scalar as low + 2^128·high, both below 2^128.
    var halves: (low: Scalar25519, high: Scalar25519) {
        (Scalar25519(low: limbs.0, high: limbs.1), Scalar25519(low: limbs.2, high: limbs.3))
    }

    /// Writes the width-`width` non-adjacent form into 256 zeroed digits: signed digits, each 0 or
    /// odd with magnitude below 2^(width−1), at most one nonzero in any `width` consecutive
    /// positions, whose sum of digit·2^position is the scalar.
    func writeNonAdjacentForm(width: Int, into digits: inout ArraySlice<Int8>) {
        let words = wide
        let first = digits.startIndex
        let windowSize: UInt64 = 1 << UInt64(width), windowMask = windowSize - 1
        var position = 0
        var carry: UInt64 = 0
        Self.withLimbs(words) { x in
            while position < 256 {
                let index = position / 64, bit = position % 64
                let buffer = bit < 64 - width ? x[index] >> UInt64(bit)
                    : x[index] >> UInt64(bit) | x[index + 1] << UInt64(64 - bit)
                let window = carry + (buffer & windowMask)
                if window & 1 == 0 {
                    position += 1
                    continue
                }
                if window < windowSize / 2 {
                    carry = 0
                    digits[first + position] = Int8(window)
                } else {
                    carry = 1
                    digits[first + position] = Int8(Int64(window) - Int64(windowSize))
                }
                position += width
            }
        }
    }

    // MARK: multi-precision helpers (little-endian limbs)

    private var wide: Wide { (limbs.0, limbs.1, limbs.2, limbs.3, 0, 0, 0, 0, 0, 0) }

    private static func withLimbs<Result>(_ value: Wide, _ body: (UnsafePointer<UInt64>) -> Result) -> Result {
        withUnsafeBytes(of: value) { body($0.baseAddress!.assumingMemoryBound(to: UInt64.self)) }
    }

    private static func withMutableLimbs<Result>(_ value: inout Wide, _ body: (UnsafeMutablePointer<UInt64>) -> Result) -> Result {
        withUnsafeMutableBytes(of: &value) { body($0.baseAddress!.assumingMemoryBound(to: UInt64.self)) }
    }

    /// Whether `a < b`, both `count` limbs.
    private static func isLess(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int) -> Bool {
        for index in stride(from: count - 1, through: 0, by: -1) where a[index] != b[index] {
            return a[index] < b[index]
        }
        return false
    }

    /// `out = a + b` over `count` limbs; returns the carry out.
    private static func add(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, into out: UnsafeMutablePointer<UInt64>,
                            count: Int) -> UInt64 {
        var carry: UInt64 = 0
        for index in 0..<count {
            let (s1, o1) = a[index].addingReportingOverflow(b[index])
            let (s2, o2) = s1.addingReportingOverflow(carry)
            out[index] = s2
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return carry
    }

    /// `value -= b` over `count` limbs, modulo 2^(64·count).
    private static func subtract(_ b: UnsafePointer<UInt64>, from value: UnsafeMutablePointer<UInt64>, count: Int) {
        var borrow: UInt64 = 0
        for index in 0..<count {
            let (d1, o1) = value[index].subtractingReportingOverflow(b[index])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            value[index] = d2
            borrow = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
    }

    /// `out[0 ..< aCount + bCount] = a · b`.
    private static func multiply(_ a: UnsafePointer<UInt64>, _ aCount: Int, _ b: UnsafePointer<UInt64>, _ bCount: Int,
                                 into out: UnsafeMutablePointer<UInt64>) {
        for index in 0..<(aCount + bCount) { out[index] = 0 }
        for i in 0..<aCount {
            var carry: UInt64 = 0
            for j in 0..<bCount {
                let (high, low) = a[i].multipliedFullWidth(by: b[j])
                let (s1, o1) = low.addingReportingOverflow(out[i + j])
                let (s2, o2) = s1.addingReportingOverflow(carry)
                out[i + j] = s2
                carry = high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
            }
            out[i + bCount] = carry
        }
    }

    /// `x mod L` for `x < 2^512` in the low eight limbs (Barrett reduction, Handbook of Applied
    /// Cryptography 14.42 with b = 2^64, k = 4).
    private static func reduce(_ x: Wide) -> Scalar25519 {
        var q2 = zeroWide, q3 = zeroWide, q3L = zeroWide
        var r = x
        withLimbs(x) { x in
            withMutableLimbs(&q2) { q2 in withLimbs(barrett) { multiply(x + 3, 5, $0, 5, into: q2) } }
        }
        withLimbs(q2) { q2 in withMutableLimbs(&q3) { q3 in for index in 0..<5 { q3[index] = q2[index + 5] } } }
        withLimbs(q3) { q3 in withMutableLimbs(&q3L) { out in withLimbs(order) { multiply(q3, 5, $0, 4, into: out) } } }
        withMutableLimbs(&r) { r in
            withLimbs(q3L) { subtract($0, from: r, count: 5) }   // r1 − r2 modulo 2^320: below 3L
            withLimbs(order) { l in
                while !isLess(UnsafePointer(r), l, count: 5) { subtract(l, from: r, count: 5) }
            }
        }
        return Scalar25519(limbs: (r.0, r.1, r.2, r.3))
    }
}
