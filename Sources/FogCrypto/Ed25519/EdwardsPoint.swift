/// A point of the twisted Edwards curve −x² + y² = 1 + d·x²·y² (edwards25519) in extended
/// coordinates (X : Y : Z : T) with x = X/Z, y = Y/Z, x·y = T/Z (Hisil, Wong, Carter, Dawson 2008).
struct EdwardsPoint: Sendable {
    var x, y, z, t: Field25519

    static let d = Field25519(l0: 0x34dca135978a3, l1: 0x1a8283b156ebd, l2: 0x5e7a26001c029,
                              l3: 0x739c663a03cbb, l4: 0x52036cee2b6ff)
    static let d2 = Field25519(l0: 0x69b9426b2f159, l1: 0x35050762add7a, l2: 0x3cf44c0038052,
                               l3: 0x6738cc7407977, l4: 0x2406d9dc56dff)
    /// A square root of −1 mod p.
    static let sqrtMinusOne = Field25519(l0: 0x61b274a0ea0b0, l1: 0xd5a5fc8f189d, l2: 0x7ef5e9cbd0c60,
                                         l3: 0x78595a6804c9e, l4: 0x2b8324804fc1d)
    static let identity = EdwardsPoint(x: .zero, y: .one, z: .one, t: .zero)
    /// RFC 8032's base point B (y = 4/5, x even).
    static let base = EdwardsPoint(
        x: Field25519(l0: 0x62d608f25d51a, l1: 0x412a4b4f6592a, l2: 0x75b7171a4b31d, l3: 0x1ff60527118fe,
                      l4: 0x216936d3cd6e5),
        y: Field25519(l0: 0x6666666666658, l1: 0x4cccccccccccc, l2: 0x1999999999999, l3: 0x3333333333333,
                      l4: 0x6666666666666),
        z: .one,
        t: Field25519(l0: 0x68ab3a5b7dda3, l1: 0xeea2a5eadbb, l2: 0x2af8df483c27e, l3: 0x332b375274732,
                      l4: 0x67875f0fd78b7))

    /// Decodes a 32-byte encoding: y little-endian in bits 0…254 (values ≥ p accepted as their
    /// residue), the sign of x in bit 255. `nil` when no x exists. This is the decoding of
    /// BoringSSL's `ED25519_verify` for public keys, and ZIP 215's for both points.
    init?(encoded bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == 32)
        let y = Field25519(bytes: bytes)
        let sign = bytes[31] >> 7
        let y2 = y.squared()
        let u = y2 - .one
        let v = y2 * Self.d + .one
        let v3 = v.squared() * v
        var x = u * v3 * (u * v3.squared() * v).pow22523()
        let vx2 = v * x.squared()
        if !vx2.equals(u) {
            guard vx2.equals(-u) else { return nil }
            x = x * Self.sqrtMinusOne
        }
        if x.isNegative != (sign == 1) { x = -x }
        self.init(x: x, y: y, z: .one, t: x * y)
    }

    init(x: Field25519, y: Field25519, z: Field25519, t: Field25519) {
        (self.x, self.y, self.z, self.t) = (x, y, z, t)
    }

    /// Whether this is the neutral element (0, 1).
    var isIdentity: Bool { x.isZero && y.equals(z) }

    /// The canonical 32-byte encoding: y, with the sign of x in bit 255.
    var encoded: [UInt8] {
        let inverse = z.inverted()
        var bytes = (y * inverse).bytes
        if (x * inverse).isNegative { bytes[31] |= 0x80 }
        return bytes
    }

    /// The point in the form additions take: (Y + X, Y − X, Z, 2d·T).
    var cached: CachedPoint {
        CachedPoint(yPlusX: y + x, yMinusX: y - x, z: z, t2d: t * Self.d2)
    }

    @inline(__always)
    func doubled() -> EdwardsPoint {
        let a = x.squared()
        let b = y.squared()
        let zz = z.squared()
        let c = zz + zz
        let e = (x + y).squared() - a - b
        let g = b - a
        let f = g - c
        let h = -(a + b)
        return EdwardsPoint(x: e * f, y: g * h, z: f * g, t: e * h)
    }

    /// `self + other`.
    @inline(__always)
    static func + (p: EdwardsPoint, q: CachedPoint) -> EdwardsPoint {
        let a = (p.y - p.x) * q.yMinusX
        let b = (p.y + p.x) * q.yPlusX
        let c = p.t * q.t2d
        let zz = p.z * q.z
        let d = zz + zz
        let e = b - a
        let f = d - c
        let g = d + c
        let h = b + a
        return EdwardsPoint(x: e * f, y: g * h, z: f * g, t: e * h)
    }

    /// `self − other`.
    @inline(__always)
    static func - (p: EdwardsPoint, q: CachedPoint) -> EdwardsPoint { p + q.negated }

    /// `8·self`, which removes any small-order component.
    var timesCofactor: EdwardsPoint { doubled().doubled().doubled() }

    /// 2^128 times the point.
    var timesTwoTo128: EdwardsPoint {
        var point = self
        for _ in 0..<128 { point = point.doubled() }
        return point
    }
}

/// A point prepared as an addend: (Y + X, Y − X, Z, 2d·T).
struct CachedPoint: Sendable {
    var yPlusX, yMinusX, z, t2d: Field25519

    /// The negated point: x and T change sign, so Y + X and Y − X trade places.
    @inline(__always)
    var negated: CachedPoint { CachedPoint(yPlusX: yMinusX, yMinusX: yPlusX, z: z, t2d: -t2d) }
}
