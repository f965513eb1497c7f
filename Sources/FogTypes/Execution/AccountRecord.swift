public import FogCore
public import FogCrypto

/// An account's entry in the state: `{0: 21, 1: COSE_Key, 2: nonce, 3: balance}` (spec/state.md).
public struct AccountRecord: CanonicalObject {
    public static let objectType = ObjectType.accountRecord

    /// The account's key; its transactions verify with it.
    public let publicKey: PublicKey
    /// The nonce its next transaction must carry.
    public let nonce: UInt64
    /// Its native-token balance.
    public let balance: UInt64

    /// Creates an account record.
    public init(publicKey: PublicKey, nonce: UInt64, balance: UInt64) {
        self.publicKey = publicKey
        self.nonce = nonce
        self.balance = balance
    }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, COSEKey.value(publicKey))
        entries.put(2, .unsigned(nonce))
        entries.put(3, .unsigned(balance))
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let key = try fields.canonicalKey(1, "account-record")
        self.init(publicKey: key, nonce: try fields.uint(2, "nonce"), balance: try fields.uint(3, "balance"))
    }
}
