/// Integers modulo the order L = 2^252 + 27742317777372353535851937790883648493 of edwards25519's
/// prime-order subgroup, as four little-endian 64-bit limbs.
struct Scalar25519: Sendable, Equatable {
    var limbs: (UInt64, UInt64, UInt64, UInt64)

    static let order: [UInt64] = [0x5812_631A_5CF5_D3ED, 0x14DE_F9DE_A2F7_9CD6, 0, 0x1000_0000_0000_0000]
    /// ⌊2^512 / L⌋, Barrett's constant for reducing 512-bit values.
    private static let barrett: [UInt64] = [0xED9C_E5A3_0A2C_131B, 0x2106_215D_0863_29A7, 0xFFFF_FFFF_FFFF_FFEB,
                                            0xFFFF_FFFF_FFFF_FFFF, 0xF]
    static let zero = Scalar25519(limbs: (0, 0, 0, 0))
    static let one = Scalar25519(limbs: (1, 0, 0, 0))

    init(limbs: (UInt64, UInt64, UInt64, UInt64)) { self.limbs = limbs }

    private init(_ words: [UInt64]) { limbs = (words[0], words[1], words[2], words[3]) }

    static func == (a: Scalar25519, b: Scalar25519) -> Bool { a.words == b.words }

    var words: [UInt64] { [limbs.0, limbs.1, limbs.2, limbs.3] }

    /// The 32-byte little-endian encoding.
    var littleEndianBytes: [UInt8] {
        words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    }

    /// The scalar of 32 little-endian bytes when it is below L (the canonical range RFC 8032 requires
    /// of a signature's S), else `nil`.
    init?(canonical bytes: UnsafeRawBufferPointer) {
        let words = (0..<4).map { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        guard Self.less(words, Self.order) else { return nil }
        self.init(words)
    }

    /// The residue of a 64-byte little-endian integer (a SHA-512 digest).
    init(reducing64 bytes: UnsafeRawBufferPointer) {
        let words = (0..<8).map { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        self.init(Self.reduce(words))
    }

    /// A 128-bit scalar (a batch-verification weight).
    init(low: UInt64, high: UInt64) { limbs = (low, high, 0, 0) }

    static func * (a: Scalar25519, b: Scalar25519) -> Scalar25519 {
        Scalar25519(reduce(multiply(a.words, b.words)))
    }

    static func + (a: Scalar25519, b: Scalar25519) -> Scalar25519 {
        var sum = add(a.words, b.words)
        if !less(sum, order + [0]) { sum = subtract(sum, order + [0]) }
        return Scalar25519(sum)
    }

    /// `L − self` (0 for 0).
    var negated: Scalar25519 {
        self == .zero ? .zero : Scalar25519(Self.subtract(Self.order, words))
    }

    /// The width-`width` non-adjacent form: 256 signed digits, each 0 or odd with magnitude below
    /// 2^(width−1), at most one nonzero in any `width` consecutive positions.
    func nonAdjacentForm(width: Int) -> [Int8] {
        var digits = [Int8](repeating: 0, count: 256)
        writeNonAdjacentForm(width: width, into: &digits[...])
        return digits
    }

    /// Writes ``nonAdjacentForm(width:)`` into 256 zeroed digits.
    func writeNonAdjacentForm(width: Int, into digits: inout ArraySlice<Int8>) {
        let x = [limbs.0, limbs.1, limbs.2, limbs.3, 0]
        let first = digits.startIndex
        let windowSize: UInt64 = 1 << UInt64(width), windowMask = windowSize - 1
        var position = 0
        var carry: UInt64 = 0
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

    // MARK: multi-precision helpers (little-endian limbs)

    static func less(_ a: [UInt64], _ b: [UInt64]) -> Bool {
        for i in stride(from: max(a.count, b.count) - 1, through: 0, by: -1) {
            let x = i < a.count ? a[i] : 0, y = i < b.count ? b[i] : 0
            if x != y { return x < y }
        }
        return false
    }

    static func add(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: max(a.count, b.count) + 1)
        var carry: UInt64 = 0
        for i in 0..<(out.count - 1) {
            let (s1, o1) = (i < a.count ? a[i] : 0).addingReportingOverflow(i < b.count ? b[i] : 0)
            let (s2, o2) = s1.addingReportingOverflow(carry)
            out[i] = s2
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        out[out.count - 1] = carry
        return out
    }

    /// `a − b` for `a ≥ b`, with `a`'s limb count.
    static func subtract(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out = a
        var borrow: UInt64 = 0
        for i in 0..<a.count {
            let (d1, o1) = a[i].subtractingReportingOverflow(i < b.count ? b[i] : 0)
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            out[i] = d2
            borrow = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return out
    }

    static func multiply(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: a.count + b.count)
        for i in 0..<a.count {
            var carry: UInt64 = 0
            for j in 0..<b.count {
                let (high, low) = a[i].multipliedFullWidth(by: b[j])
                let (s1, o1) = low.addingReportingOverflow(out[i + j])
                let (s2, o2) = s1.addingReportingOverflow(carry)
                out[i + j] = s2
                carry = high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
            }
            out[i + b.count] = carry
        }
        return out
    }

    /// `x mod L` for `x < 2^512` (Barrett reduction, Handbook of Applied Cryptography 14.42 with
    /// b = 2^64, k = 4).
    static func reduce(_ x: [UInt64]) -> [UInt64] {
        let x = x + [UInt64](repeating: 0, count: max(0, 8 - x.count))
        let q1 = Array(x[3..<8])
        let q3 = Array(multiply(q1, barrett)[5...])
        let r1 = Array(x[0..<5])
        let r2 = Array(multiply(q3, order)[0..<5])
        var r = less(r1, r2) ? subtract(add(r1, [0, 0, 0, 0, 0, 1]), r2) : subtract(r1, r2)
        r = Array(r[0..<5])
        let order5 = order + [0]
        while !less(r, order5) { r = subtract(r, order5) }
        return Array(r[0..<4])
    }
}
