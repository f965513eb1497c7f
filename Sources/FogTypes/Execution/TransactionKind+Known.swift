extension TransactionKind {
    /// Moves native tokens to another account: body `{1: to, 2: amount}`.
    public static let transfer = TransactionKind(rawValue: 1)
    /// Creates an account, sponsored by the signer: body `{1: COSE_Key}`.
    public static let createAccount = TransactionKind(rawValue: 2)
    /// Registers a device owned by the signer: body `{1: COSE_Key, 2: type, 3: metadata}`.
    public static let registerDevice = TransactionKind(rawValue: 3)
    /// Replaces a device's current key: body `{1: device, 2: COSE_Key}`.
    public static let rotateDeviceKey = TransactionKind(rawValue: 4)
    /// Suspends an active device: body `{1: device}`.
    public static let suspendDevice = TransactionKind(rawValue: 5)
    /// Reinstates a suspended device: body `{1: device}`.
    public static let resumeDevice = TransactionKind(rawValue: 6)
    /// Revokes a device for good: body `{1: device}`.
    public static let revokeDevice = TransactionKind(rawValue: 7)
    /// Gives a device to another account: body `{1: device, 2: new owner}`.
    public static let transferDevice = TransactionKind(rawValue: 8)

    /// Every kind this version executes, in ascending order.
    public static let known: [TransactionKind] = [
        .transfer, .createAccount, .registerDevice, .rotateDeviceKey,
        .suspendDevice, .resumeDevice, .revokeDevice, .transferDevice,
    ] + gatewayKinds + validatorKinds

    /// Whether this version knows the kind's body schema.
    public var isKnown: Bool {
        rawValue >= 1 && rawValue <= 8 || ValidatorTransaction.carries(self) || GatewayTransaction.carries(self)
    }
}
