/// `Tests/Vectors/light-client.json`: proof bundles of one small chain, each with the outcome every
/// verifier must reach against the file's genesis (spec/light-client.md). Byte strings in lowercase hex.
public struct LightClientVectorFile: Codable, Sendable {
    /// What the file holds.
    public var description: String
    /// The chain id.
    public var chainID: String
    /// The genesis encoding, the verifier's only trust.
    public var genesis: String
    /// SHA-256 of `genesis`.
    public var genesisHash: String
    /// The bundles.
    public var vectors: [LightClientVector]

    /// Creates a file.
    public init(description: String, chainID: String, genesis: String, genesisHash: String, vectors: [LightClientVector]) {
        self.description = description
        self.chainID = chainID
        self.genesis = genesis
        self.genesisHash = genesisHash
        self.vectors = vectors
    }
}

/// One bundle and its expected outcome.
public struct LightClientVector: Codable, Sendable {
    /// A short unique name.
    public var name: String
    /// What the bundle is, or how it was broken.
    public var comment: String
    /// `reading-proof` or `state-proof`.
    public var kind: String
    /// The bundle's bytes.
    public var bundle: String
    /// The `LightError` code a verifier must reject it with; `nil` when it verifies.
    public var error: String?
    /// When it verifies: the proven height, block time and block id.
    public var height: UInt64?
    public var blockTime: UInt64?
    public var blockID: String?
    /// When a reading proof verifies: the reading's encoding.
    public var reading: String?
    /// When a state proof verifies: the key, and the record (absent for non-inclusion).
    public var key: String?
    public var record: String?

    /// Creates a vector.
    public init(name: String, comment: String, kind: String, bundle: String, error: String? = nil, height: UInt64? = nil,
                blockTime: UInt64? = nil, blockID: String? = nil, reading: String? = nil, key: String? = nil, record: String? = nil) {
        self.name = name
        self.comment = comment
        self.kind = kind
        self.bundle = bundle
        self.error = error
        self.height = height
        self.blockTime = blockTime
        self.blockID = blockID
        self.reading = reading
        self.key = key
        self.record = record
    }
}
