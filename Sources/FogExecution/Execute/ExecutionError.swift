public import FogTypes

/// Why an envelope was rejected by execution. Codes are stable: receipts carry them verbatim.
///
/// An envelope that does not decode keeps its ``ObjectError`` code (`malformed`, `wrong-chain`,
/// `bad-signature`, …); the codes here are the state checks (spec/state.md §5).
public struct ExecutionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's text, as receipts carry it.
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The signer is neither an account nor (for a key rotation) a device.
        public static let unknownSigner = Code("unknown-signer")
        /// The transaction's nonce is not the signer's current nonce.
        public static let badNonce = Code("bad-nonce")
        /// The kind is not one this version executes.
        public static let unknownKind = Code("unknown-kind")
        /// The signer's balance is below the amount.
        public static let insufficientBalance = Code("insufficient-balance")
        /// The recipient's balance would exceed 2⁶⁴−1.
        public static let balanceOverflow = Code("balance-overflow")
        /// A recipient or new owner that is not an account.
        public static let unknownAccount = Code("unknown-account")
        /// Creating an account that exists.
        public static let accountExists = Code("account-exists")
        /// A device that is not registered.
        public static let unknownDevice = Code("unknown-device")
        /// Registering a device that is registered.
        public static let deviceExists = Code("device-exists")
        /// The device is suspended.
        public static let deviceSuspended = Code("device-suspended")
        /// The device is revoked (final).
        public static let deviceRevoked = Code("device-revoked")
        /// Resuming a device that is active.
        public static let deviceActive = Code("device-active")
        /// A reading whose seq is not above the device's last accepted seq (a replay, or out of order).
        public static let staleSequence = Code("stale-sequence")
        /// The signer may not change this device.
        public static let notOwner = Code("not-owner")

        /// An object error's code, carried over.
        public init(_ code: ObjectError.Code) { self.name = code.description }
    }

    /// The kind of problem.
    public let code: Code
    /// What exactly was wrong (not part of any hash).
    public let detail: String

    /// Creates an error.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// Carries an object error over.
    public init(_ error: ObjectError) {
        self.init(Code(error.code), error.detail)
    }

    public var description: String { "\(code): \(detail)" }
}
