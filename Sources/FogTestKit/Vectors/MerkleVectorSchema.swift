// The JSON shapes of Tests/Vectors/merkle.json and Tests/Vectors/sparse-merkle.json, shared by the
// fog-vectors generator and the tests that check the committed files. Every byte string is lowercase
// hex; every absent optional is written as an explicit `null`. See spec/merkle.md.

/// `merkle.json`: RFC 9162 trees, inclusion proofs and consistency proofs.
public struct MerkleVectorFile: Codable, Sendable {
    /// What the file holds.
    public var description: String
    /// Trees: leaf data, leaf hashes and root.
    public var trees: [MerkleTreeVector]
    /// Inclusion proofs with the verdict a verifier must reach.
    public var inclusionProofs: [MerkleInclusionVector]
    /// Consistency proofs with the verdict a verifier must reach.
    public var consistencyProofs: [MerkleConsistencyVector]

    /// Creates a file.
    public init(
        description: String, trees: [MerkleTreeVector], inclusionProofs: [MerkleInclusionVector],
        consistencyProofs: [MerkleConsistencyVector]
    ) {
        self.description = description
        self.trees = trees
        self.inclusionProofs = inclusionProofs
        self.consistencyProofs = consistencyProofs
    }
}

/// An RFC 9162 tree: its leaves' data, their leaf hashes, and its root.
public struct MerkleTreeVector: Codable, Sendable {
    /// What this tree is.
    public var description: String
    /// The data of each leaf, in order (hex).
    public var leaves: [String]
    /// `SHA-256(0x00 || data)` of each leaf (hex).
    public var leafHashes: [String]
    /// The tree's root (hex).
    public var root: String

    /// Creates a tree vector.
    public init(description: String, leaves: [String], leafHashes: [String], root: String) {
        self.description = description
        self.leaves = leaves
        self.leafHashes = leafHashes
        self.root = root
    }
}

/// An inclusion proof: verifying `path` for `leafHash` at `leafIndex` of `treeSize` against `root`
/// must give `valid`.
public struct MerkleInclusionVector: Codable, Sendable {
    /// What this case checks.
    public var description: String
    /// For a proof generated from one of the file's trees, that tree's index in `trees` (its size is
    /// `treeSize`); a generator must produce exactly `path`. `null` for hand-made cases.
    public var tree: Int?
    /// The leaf index, from 0.
    public var leafIndex: UInt64
    /// The tree size.
    public var treeSize: UInt64
    /// The hash of the leaf (hex).
    public var leafHash: String
    /// The inclusion path, from the leaf up (hex).
    public var path: [String]
    /// The root to verify against (hex).
    public var root: String
    /// Whether a verifier must accept the proof.
    public var valid: Bool

    /// Creates an inclusion vector.
    public init(
        description: String, tree: Int?, leafIndex: UInt64, treeSize: UInt64, leafHash: String,
        path: [String], root: String, valid: Bool
    ) {
        self.description = description
        self.tree = tree
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.leafHash = leafHash
        self.path = path
        self.root = root
        self.valid = valid
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(description, forKey: .description)
        try container.encode(tree, forKey: .tree)
        try container.encode(leafIndex, forKey: .leafIndex)
        try container.encode(treeSize, forKey: .treeSize)
        try container.encode(leafHash, forKey: .leafHash)
        try container.encode(path, forKey: .path)
        try container.encode(root, forKey: .root)
        try container.encode(valid, forKey: .valid)
    }
}

/// A consistency proof: verifying `path` from `oldSize` with `oldRoot` to `newSize` with `newRoot`
/// must give `valid`.
public struct MerkleConsistencyVector: Codable, Sendable {
    /// What this case checks.
    public var description: String
    /// For a proof generated from one of the file's trees, that tree's index in `trees` (its size is
    /// `newSize`); a generator must produce exactly `path`. `null` for hand-made cases.
    public var tree: Int?
    /// The size of the older tree.
    public var oldSize: UInt64
    /// The size of the newer tree.
    public var newSize: UInt64
    /// The older tree's root (hex).
    public var oldRoot: String
    /// The newer tree's root (hex).
    public var newRoot: String
    /// The consistency path, deepest first (hex).
    public var path: [String]
    /// Whether a verifier must accept the proof.
    public var valid: Bool

    /// Creates a consistency vector.
    public init(
        description: String, tree: Int?, oldSize: UInt64, newSize: UInt64, oldRoot: String,
        newRoot: String, path: [String], valid: Bool
    ) {
        self.description = description
        self.tree = tree
        self.oldSize = oldSize
        self.newSize = newSize
        self.oldRoot = oldRoot
        self.newRoot = newRoot
        self.path = path
        self.valid = valid
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(description, forKey: .description)
        try container.encode(tree, forKey: .tree)
        try container.encode(oldSize, forKey: .oldSize)
        try container.encode(newSize, forKey: .newSize)
        try container.encode(oldRoot, forKey: .oldRoot)
        try container.encode(newRoot, forKey: .newRoot)
        try container.encode(path, forKey: .path)
        try container.encode(valid, forKey: .valid)
    }
}

/// `sparse-merkle.json`: sparse Merkle trees, batch updates and proofs.
public struct SparseMerkleVectorFile: Codable, Sendable {
    /// What the file holds.
    public var description: String
    /// Trees: their (key, value hash) pairs and root.
    public var trees: [SparseMerkleTreeVector]
    /// Batch updates applied to one of the trees, and the root after them.
    public var updates: [SparseMerkleUpdateVector]
    /// Proofs with the verdict a verifier must reach.
    public var proofs: [SparseMerkleProofVector]

    /// Creates a file.
    public init(
        description: String, trees: [SparseMerkleTreeVector], updates: [SparseMerkleUpdateVector],
        proofs: [SparseMerkleProofVector]
    ) {
        self.description = description
        self.trees = trees
        self.updates = updates
        self.proofs = proofs
    }
}

/// A key and its value hash (hex), or `null` for the key's absence or removal.
public struct SparseMerkleEntryVector: Codable, Sendable {
    /// The key (hex, 32 bytes).
    public var key: String
    /// The value hash (hex, 32 bytes), or `null`.
    public var valueHash: String?

    /// Creates an entry.
    public init(key: String, valueHash: String?) {
        self.key = key
        self.valueHash = valueHash
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(valueHash, forKey: .valueHash)
    }
}

/// A sparse tree: its pairs, sorted by key, and its root.
public struct SparseMerkleTreeVector: Codable, Sendable {
    /// What this tree is.
    public var description: String
    /// The pairs (no `null` values).
    public var entries: [SparseMerkleEntryVector]
    /// The root (hex).
    public var root: String

    /// Creates a tree vector.
    public init(description: String, entries: [SparseMerkleEntryVector], root: String) {
        self.description = description
        self.entries = entries
        self.root = root
    }
}

/// A batch update: `changes` (in order; `null` removes; the last change of a key wins) applied to
/// tree `tree` give `root`.
public struct SparseMerkleUpdateVector: Codable, Sendable {
    /// What this case checks.
    public var description: String
    /// The index in `trees` of the tree the changes apply to.
    public var tree: Int
    /// The changes, in order.
    public var changes: [SparseMerkleEntryVector]
    /// The root after the changes (hex).
    public var root: String

    /// Creates an update vector.
    public init(description: String, tree: Int, changes: [SparseMerkleEntryVector], root: String) {
        self.description = description
        self.tree = tree
        self.changes = changes
        self.root = root
    }
}

/// A sparse proof: the end of the key's path and the siblings along it.
public struct SparseMerkleProofBody: Codable, Sendable {
    /// The leaf at the end of the path, or `null` for an empty subtree.
    public var leaf: SparseMerkleEntryVector?
    /// The sibling hashes from the root down (hex).
    public var siblings: [String]

    /// Creates a proof body.
    public init(leaf: SparseMerkleEntryVector?, siblings: [String]) {
        self.leaf = leaf
        self.siblings = siblings
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(leaf, forKey: .leaf)
        try container.encode(siblings, forKey: .siblings)
    }
}

/// A sparse proof case: verifying `proof` against `root` for `key` holding `valueHash` (or, for
/// `null`, being absent) must give `valid`.
public struct SparseMerkleProofVector: Codable, Sendable {
    /// What this case checks.
    public var description: String
    /// For a proof read from one of the file's trees, that tree's index in `trees`; a generator
    /// must produce exactly `proof`. `null` for hand-made cases.
    public var tree: Int?
    /// The root (hex).
    public var root: String
    /// The key asked about (hex).
    public var key: String
    /// The value hash the key is claimed to hold (hex), or `null` for a claim of absence.
    public var valueHash: String?
    /// The proof.
    public var proof: SparseMerkleProofBody
    /// Whether a verifier must accept the proof for this claim.
    public var valid: Bool

    /// Creates a proof vector.
    public init(
        description: String, tree: Int?, root: String, key: String, valueHash: String?,
        proof: SparseMerkleProofBody, valid: Bool
    ) {
        self.description = description
        self.tree = tree
        self.root = root
        self.key = key
        self.valueHash = valueHash
        self.proof = proof
        self.valid = valid
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(description, forKey: .description)
        try container.encode(tree, forKey: .tree)
        try container.encode(root, forKey: .root)
        try container.encode(key, forKey: .key)
        try container.encode(valueHash, forKey: .valueHash)
        try container.encode(proof, forKey: .proof)
        try container.encode(valid, forKey: .valid)
    }
}
