/// Why a Merkle proof was rejected, or why a tree operation could not be carried out.
///
/// Proofs are untrusted input: every malformed or non-matching proof is reported with one of these
/// codes rather than a crash. The set of codes can grow without breaking callers that compare codes.
public struct MerkleError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A leaf index at or beyond the tree size.
        public static let indexOutOfRange = Code("index-out-of-range")
        /// A tree size above `MerkleTree.maxTreeSize`.
        public static let treeSizeTooLarge = Code("tree-size-too-large")
        /// A consistency proof whose old size exceeds its new size.
        public static let sizesOutOfOrder = Code("sizes-out-of-order")
        /// A proof path whose length is not the one its sizes (or its depth limit) allow.
        public static let wrongPathLength = Code("wrong-path-length")
        /// The hashes of a well-formed proof do not lead to the expected root(s).
        public static let rootMismatch = Code("root-mismatch")
        /// A sparse proof whose leaf does not answer the question asked: it holds another key when
        /// the key was expected present, the key when it was expected absent, or another value.
        public static let leafMismatch = Code("leaf-mismatch")
        /// A sparse proof whose leaf does not lie on the path of the key it is a proof for.
        public static let leafNotOnPath = Code("leaf-not-on-path")
        /// A sparse proof in a shape no canonical tree has (a leaf or empty subtree beside an empty one).
        public static let nonCanonicalProof = Code("non-canonical-proof")
        /// The node store has no node with a hash that a reachable node refers to.
        public static let missingNode = Code("missing-node")
        /// The node store holds a tree no update makes (a branch at depth 256, a leaf off its
        /// key's path): it is corrupt.
        public static let malformedTree = Code("malformed-tree")
    }

    /// The kind of problem.
    public let code: Code
    /// Human-readable detail: which values disagree.
    public let detail: String

    /// Creates an error.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "Merkle \(code): \(detail)" }
}
