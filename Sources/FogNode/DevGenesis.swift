public import FogCrypto
public import FogTypes

/// The genesis of a single-validator development chain: one validator (power 1, proof of
/// authority) and one funded operator account, like the local chains developers already use.
public enum DevGenesis {
    /// The operator account's genesis balance.
    public static let operatorBalance: UInt64 = 1_000_000_000

    /// The genesis of a dev chain whose validator is `validator` and whose funded account is `operatorKey`.
    public static func make(chainID: ChainID, timeMillis: UInt64, validator: PublicKey,
                            operatorKey: PublicKey) throws(ObjectError) -> Genesis {
        let validators = try ValidatorSet([try Validator(publicKey: validator, power: 1)])
        return try Genesis(chainID: chainID, timeMillis: timeMillis, consensus: .poa, validators: validators,
                           accounts: [GenesisAccount(publicKey: operatorKey, balance: operatorBalance)])
    }
}
