/// A failure the CLI reports to its user: a stable code and a message, printed on stderr (or as
/// JSON `{"error": {"code", "message"}}` on stdout with `--json`), with exit status 1.
public struct CLIError: Error, CustomStringConvertible, Sendable {
    /// A stable, machine-readable code (`invalid-argument`, `bad-signature`, …).
    public let code: String
    /// What went wrong, for a person.
    public let message: String

    /// Creates an error.
    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
