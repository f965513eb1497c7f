public import FogTypes

/// Why a light-client proof was rejected. Codes are stable (spec/light-client.md §6); the detail names
/// what failed and is meant for people.
public struct LightError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The bundle, a header or a commit is for another chain than the genesis.
        public static let wrongChain = Code("wrong-chain")
        /// The bundle claims another genesis than the one the verifier trusts.
        public static let genesisMismatch = Code("genesis-mismatch")
        /// A header names another validator set than the trusted one and the trusted set's members among
        /// its signers hold 2/3 or less of its power, a history step's next set does not match its
        /// header, or the history is out of height order.
        public static let untrustedValidatorSet = Code("untrusted-validator-set")
        /// A commit is not for its header, has a signature that does not verify or a signer outside the
        /// trusted set, or lacks more than 2/3 of the power.
        public static let commitInvalid = Code("commit-invalid")
        /// The Merkle proof does not lead from the record to the header's root.
        public static let proofInvalid = Code("proof-invalid")
        /// A size or count beyond a named limit.
        public static let limitExceeded = Code("limit-exceeded")
        /// Bytes that are not a bundle of the expected kind, or a history step that changes nothing.
        public static let malformed = Code("malformed")
    }

    /// The kind of failure.
    public let code: Code
    /// What exactly failed.
    public let detail: String

    /// Creates an error.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// Maps a decoding error: limits stay limits, another chain is `wrong-chain`, anything else is
    /// `malformed`.
    public init(decoding error: ObjectError) {
        switch error.code {
        case .limitExceeded: self.init(.limitExceeded, error.description)
        case .wrongChain: self.init(.wrongChain, error.description)
        default: self.init(.malformed, error.description)
        }
    }

    public var description: String { "\(code): \(detail)" }
}
