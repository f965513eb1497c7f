import FogMerkle

/// The named limits of light-client proof bundles (spec/light-client.md §3). A value at a limit is
/// accepted; one past it is `limit-exceeded`, whether the bundle is built in code or decoded.
public enum ProofLimits {
    /// Validator-set changes in a bundle's history (changes between genesis and the proven height).
    public static let maxValidatorSetChanges = 256
    /// Bytes of the reading record a reading proof carries (a valid reading is well under 1.5 KiB).
    public static let maxReadingBytes = 4 * 1024
    /// Bytes of the state record a state proof carries.
    public static let maxStateRecordBytes = 64 * 1024
    /// Hashes in a reading's RFC 9162 inclusion path.
    public static let maxInclusionPathHashes = MerkleTree.maxPathLength
    /// Sibling hashes in a sparse Merkle proof.
    public static let maxSparseSiblings = SparseMerkleTree.maxDepth
}
