/// `Tests/Vectors/cose-key.json`: keys from fixed seeds, with every form FogLedger derives from them.
public struct COSEKeyVectorFile: Codable, Sendable {
    /// What the file holds.
    public var description: String
    /// One entry per key.
    public var vectors: [COSEKeyVector]

    public init(description: String, vectors: [COSEKeyVector]) {
        self.description = description
        self.vectors = vectors
    }
}

/// One key: all byte strings in lowercase hex.
public struct COSEKeyVector: Codable, Sendable {
    /// A short unique name.
    public var name: String
    /// `ed25519`, `p256` or `mldsa65`.
    public var algorithm: String
    /// The COSE algorithm identifier written in protected headers (-8, -7, -49).
    public var coseAlgorithm: Int64
    /// The 32-byte private seed (a key file's secret).
    public var seed: String
    /// The raw public key: 32 bytes, 64 bytes x ‖ y, or 1,952 bytes.
    public var publicKey: String
    /// The canonical COSE_Key.
    public var coseKey: String
    /// The 20-byte address: the first 20 bytes of SHA-256(coseKey).
    public var address: String
    /// The did:key identifier.
    public var did: String
    /// Where the key comes from, when it is a published test vector.
    public var source: String?

    public init(name: String, algorithm: String, coseAlgorithm: Int64, seed: String, publicKey: String, coseKey: String,
                address: String, did: String, source: String? = nil) {
        self.name = name
        self.algorithm = algorithm
        self.coseAlgorithm = coseAlgorithm
        self.seed = seed
        self.publicKey = publicKey
        self.coseKey = coseKey
        self.address = address
        self.did = did
        self.source = source
    }
}
