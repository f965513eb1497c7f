public import FogCrypto

extension StateKey {
    /// The domain byte of validator sets and their schedule.
    public static let validatorSetDomain: UInt8 = 0x03
    /// The domain byte of validator records.
    public static let validatorDomain: UInt8 = 0x04
    /// The domain byte of PoA proposals.
    public static let proposalDomain: UInt8 = 0x05
    /// The domain byte of the consensus parameters.
    public static let paramsDomain: UInt8 = 0x07

    /// After block H: the set that signs H + 1 (`SHA-256(0x03 ‖ 0x00)`).
    public static let nextValidatorSet = SHA256Hasher.hash([validatorSetDomain, 0x00])
    /// After block H: the set that will sign H + 2, with the changes made so far (`SHA-256(0x03 ‖ 0x01)`).
    public static let pendingValidatorSet = SHA256Hasher.hash([validatorSetDomain, 0x01])
    /// The ``ValidatorSchedule`` (`SHA-256(0x03 ‖ 0x02)`).
    public static let validatorSchedule = SHA256Hasher.hash([validatorSetDomain, 0x02])
    /// The consensus parameters (`SHA-256(0x07)`).
    public static let consensusParams = SHA256Hasher.hash([paramsDomain])

    /// The set that signs from `height` on, written when it took effect
    /// (`SHA-256(0x03 ‖ 0x03 ‖ height as 8 bytes big-endian)`).
    public static func validatorSet(from height: UInt64) -> Hash256 {
        SHA256Hasher.hash([validatorSetDomain, 0x03] + (0..<8).map { UInt8(truncatingIfNeeded: height >> (56 - 8 * $0)) })
    }

    /// The record of the validator (or candidate) with address `address` (`SHA-256(0x04 ‖ address)`).
    public static func validator(_ address: Address) -> Hash256 {
        SHA256Hasher.hash([validatorDomain] + address.bytes)
    }

    /// The PoA proposal with id `id` (`SHA-256(0x05 ‖ id)`).
    public static func proposal(_ id: Hash256) -> Hash256 {
        SHA256Hasher.hash([proposalDomain] + id.bytes)
    }
}
