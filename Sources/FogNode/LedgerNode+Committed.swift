public import FogCrypto
import FogExecution
public import FogTypes

extension LedgerNode {
    /// The device's record in the latest committed state, or `nil` when it is not registered.
    public func committedDevice(_ address: Address) throws -> DeviceRecord? {
        try store.device(address)
    }

    /// The account's record in the latest committed state, or `nil` when it does not exist.
    public func committedAccount(_ address: Address) throws -> AccountRecord? {
        try store.account(address)
    }
}
