public import FogCore
public import FogCrypto
public import FogMerkle

/// A self-contained proof that a reading was committed, checkable offline against the genesis alone:
/// `{0: 26, 1: chain, 2: genesis hash, 3: [validator-set-change, …], 4: signed-header,
///   5: reading bytes, 6: [leafIndex, treeSize, [hash, …]]}` (spec/light-client.md §3).
///
/// The reading travels as the exact bytes of its encoding (the RFC 9162 leaf); decoding checks that
/// they are a valid reading. Whether the bundle proves anything is for `FogLight.LightVerifier`.
public struct ReadingProof: CanonicalObject {
    public static let objectType = ObjectType.readingProof

    /// The chain the bundle claims to prove for.
    public let chainID: ChainID
    /// The hash of the genesis the bundle claims to chain from.
    public let genesisHash: Hash256
    /// The validator-set changes from genesis up to the proven height, in height order.
    public let history: [ValidatorSetChange]
    /// The header of the block that committed the reading, with its commit.
    public let signedHeader: SignedHeader
    /// The reading.
    public let reading: Reading
    /// The inclusion proof of the reading's encoding in the header's `readingsRoot`.
    public let inclusion: InclusionProof

    /// Creates a bundle; more than `ProofLimits.maxValidatorSetChanges` history steps is `limit-exceeded`.
    public init(chainID: ChainID, genesisHash: Hash256, history: [ValidatorSetChange], signedHeader: SignedHeader,
                reading: Reading, inclusion: InclusionProof) throws(ObjectError) {
        try ValidatorSetChange.checkHistory(history, "reading-proof")
        self.chainID = chainID
        self.genesisHash = genesisHash
        self.history = history
        self.signedHeader = signedHeader
        self.reading = reading
        self.inclusion = inclusion
    }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, .text(chainID.value))
        entries.put(2, .hash(genesisHash))
        entries.put(3, ValidatorSetChange.value(history))
        entries.put(4, signedHeader.cborValue)
        entries.put(5, .bytes(reading.encoded))
        entries.put(6, ProofEncoding.value(inclusion))
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let chainID = try fields.chain()
        let genesisHash = try fields.hash(2, "genesis")
        let history = try ValidatorSetChange.history(&fields, 3, "reading-proof")
        let signedHeader = try SignedHeader.decode(try fields.required(4, "signedHeader"))
        let readingValue = try fields.required(5, "reading")
        guard case .bytes(let readingBytes) = readingValue else {
            throw ObjectError(.malformed, "reading-proof.reading: expected byte string, found \(readingValue.typeName)")
        }
        guard readingBytes.count <= ProofLimits.maxReadingBytes else {
            throw ObjectError(.limitExceeded, "reading-proof.reading: \(readingBytes.count) bytes exceed \(ProofLimits.maxReadingBytes)")
        }
        let reading = try Reading.decode(readingBytes)
        let inclusion = try ProofEncoding.inclusionProof(try fields.required(6, "inclusion"), "reading-proof.inclusion")
        try self.init(chainID: chainID, genesisHash: genesisHash, history: history, signedHeader: signedHeader,
                      reading: reading, inclusion: inclusion)
    }
}
