import FogCrypto

extension Hash256 {
    /// The number of leading bits (from bit 0, the most significant bit of byte 0) that `self` and
    /// `other` share: 256 when they are equal.
    func commonPrefixLength(with other: Hash256) -> Int {
        let differences = (
            words.0 ^ other.words.0, words.1 ^ other.words.1,
            words.2 ^ other.words.2, words.3 ^ other.words.3
        )
        if differences.0 != 0 { return differences.0.leadingZeroBitCount }
        if differences.1 != 0 { return 64 + differences.1.leadingZeroBitCount }
        if differences.2 != 0 { return 128 + differences.2.leadingZeroBitCount }
        return 192 + differences.3.leadingZeroBitCount
    }
}
