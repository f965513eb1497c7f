public import FogCrypto

/// A proof-of-authority change to the validator set: add a validator, re-weight it, or (power 0)
/// remove it. The validator is named by its consensus key; `operatorAccount` is the account that acts for it
/// (kept for a re-weight, ignored for a removal).
public struct ValidatorChange: Hashable, Sendable {
    /// The validator's consensus key.
    public let publicKey: PublicKey
    /// Its new voting power; 0 removes it.
    public let power: UInt64
    /// The account that acts for it.
    public let operatorAccount: Address

    /// Creates a change.
    public init(publicKey: PublicKey, power: UInt64, operatorAccount: Address) {
        self.publicKey = publicKey
        self.power = power
        self.operatorAccount = operatorAccount
    }

    /// The validator's address.
    public var validator: Address { publicKey.address }
}
