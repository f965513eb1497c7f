public import FogCore

/// A block header and the commit that finalises it: `{0: 24, 1: block-header, 2: commit}`.
///
/// Decoding checks each part's own schema only; whether the commit is for this header (same chain,
/// height and block id) and carries a quorum of the right validator set is for the light verifier to
/// decide, so that it can say which of those failed.
public struct SignedHeader: CanonicalObject {
    public static let objectType = ObjectType.signedHeader

    /// The header.
    public let header: BlockHeader
    /// The commit that claims to finalise `header`.
    public let commit: Commit

    /// Pairs a header with a commit.
    public init(header: BlockHeader, commit: Commit) {
        self.header = header
        self.commit = commit
    }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, header.cborValue)
        entries.put(2, commit.cborValue)
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let header = try BlockHeader.decode(try fields.required(1, "header"))
        let commit = try Commit.decode(try fields.required(2, "commit"))
        self.init(header: header, commit: commit)
    }
}
