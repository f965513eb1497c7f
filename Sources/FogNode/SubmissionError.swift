public import FogExecution

/// Why the node refused an envelope at submission. ``kind`` says what class of failure it is (the
/// API maps it to an HTTP status); ``code`` is the stable code (an execution or object error code,
/// or `duplicate` / `mempool-full`).
public struct SubmissionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The class of failure.
    public enum Kind: Hashable, Sendable {
        /// The envelope does not decode, breaks a format limit, or its signature does not verify.
        case malformed
        /// It conflicts with what the chain or mempool holds: a replayed or out-of-order sequence
        /// number or nonce, the same envelope already pending, or already committed.
        case conflict
        /// It decodes and verifies but the state rejects it (unknown or revoked device, wrong chain, …).
        case rejected
        /// The mempool is full; try again later.
        case unavailable
    }

    /// The class of failure.
    public let kind: Kind
    /// The stable code.
    public let code: String
    /// A human-readable detail.
    public let message: String

    /// Creates an error.
    public init(_ kind: Kind, _ code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    /// The refusal of an envelope that does not fit in a mempool holding `count` envelopes of `bytes` bytes.
    public static func mempoolFull(count: Int, bytes: Int) -> SubmissionError {
        SubmissionError(.unavailable, "mempool-full", "the mempool holds \(count) envelopes (\(bytes) bytes); try again later")
    }

    /// Classifies an execution error.
    public init(_ error: ExecutionError) {
        let name = error.code.name
        let kind: Kind
        switch name {
        case "malformed", "wrong-object-type", "limit-exceeded", "unsupported-algorithm", "bad-signature":
            kind = .malformed
        case ExecutionError.Code.staleSequence.name, ExecutionError.Code.badNonce.name:
            kind = .conflict
        default:
            kind = .rejected
        }
        self.init(kind, name, error.detail)
    }

    public var description: String { "\(code): \(message)" }
}
