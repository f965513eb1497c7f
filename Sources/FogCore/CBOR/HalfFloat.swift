/// IEEE 754 binary16 conversions, written out so that no platform `Float16` support is needed.
enum HalfFloat {
    /// The binary16 bit pattern that represents `value` exactly, or `nil` when none does.
    /// NaN has no exact representation here; callers handle it first.
    static func bits(exactly value: Double) -> UInt16? {
        let pattern = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: pattern >> 48) & 0x8000
        if value.isInfinite { return sign | 0x7c00 }
        if value == 0 { return sign }
        if value.isNaN { return nil }
        let biasedExponent = Int((pattern >> 52) & 0x7ff)
        if biasedExponent == 0 { return nil }  // double subnormals are far below binary16's range
        let exponent = biasedExponent - 1023
        let significand = (pattern & 0x000f_ffff_ffff_ffff) | 0x0010_0000_0000_0000  // 53 bits
        switch exponent {
        case -14...15:
            guard significand & ((1 << 42) - 1) == 0 else { return nil }
            let fraction = UInt16(truncatingIfNeeded: (significand >> 42) & 0x3ff)
            return sign | UInt16(exponent + 15) << 10 | fraction
        case -24 ... -15:
            let shift = UInt64(52 - (exponent + 24))
            guard significand & ((1 << shift) - 1) == 0 else { return nil }
            return sign | UInt16(truncatingIfNeeded: significand >> shift)
        default:
            return nil
        }
    }

    /// The value of a binary16 bit pattern.
    static func value(of bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1f)
        let fraction = Double(bits & 0x3ff)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * Double.infinity : Double.nan
        default: return sign * (1024 + fraction) * Double(sign: .plus, exponent: exponent - 25, significand: 1)
        }
    }
}
