public import FogCore
public import FogCrypto
public import FogMerkle

/// A self-contained proof that a state key holds a record (inclusion) or nothing (non-inclusion) at a
/// height, checkable offline against the genesis alone:
/// `{0: 27, 1: chain, 2: genesis hash, 3: [validator-set-change, …], 4: signed-header, 5: key,
///   6: record bytes | null, 7: [terminal, [sibling, …]]}` (spec/light-client.md §3).
///
/// The proof is generic over the state layout: the caller knows how a key is derived and how the record
/// bytes are read; the bundle shows only that `key` maps to `SHA-256(record)` (or to nothing) under the
/// header's `stateRoot`.
public struct StateProof: CanonicalObject {
    public static let objectType = ObjectType.stateProof

    /// The chain the bundle claims to prove for.
    public let chainID: ChainID
    /// The hash of the genesis the bundle claims to chain from.
    public let genesisHash: Hash256
    /// The validator-set changes from genesis up to the proven height, in height order.
    public let history: [ValidatorSetChange]
    /// The header whose `stateRoot` the proof is against, with its commit.
    public let signedHeader: SignedHeader
    /// The state key.
    public let key: Hash256
    /// The record's exact bytes, whose SHA-256 is the key's value hash; `nil` when the key is absent.
    public let record: [UInt8]?
    /// The sparse Merkle proof of the key.
    public let proof: SparseMerkleProof

    /// Creates a bundle; an empty or oversized record, or too long a history, is `limit-exceeded`.
    public init(chainID: ChainID, genesisHash: Hash256, history: [ValidatorSetChange], signedHeader: SignedHeader,
                key: Hash256, record: [UInt8]?, proof: SparseMerkleProof) throws(ObjectError) {
        try ValidatorSetChange.checkHistory(history, "state-proof")
        if let record, !(1...ProofLimits.maxStateRecordBytes).contains(record.count) {
            throw ObjectError(.limitExceeded, "state-proof.record: must be 1–\(ProofLimits.maxStateRecordBytes) bytes, found \(record.count)")
        }
        self.chainID = chainID
        self.genesisHash = genesisHash
        self.history = history
        self.signedHeader = signedHeader
        self.key = key
        self.record = record
        self.proof = proof
    }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, .text(chainID.value))
        entries.put(2, .hash(genesisHash))
        entries.put(3, ValidatorSetChange.value(history))
        entries.put(4, signedHeader.cborValue)
        entries.put(5, .hash(key))
        entries.put(6, record.map { .bytes($0) } ?? .null)
        entries.put(7, ProofEncoding.value(proof))
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let chainID = try fields.chain()
        let genesisHash = try fields.hash(2, "genesis")
        let history = try ValidatorSetChange.history(&fields, 3, "state-proof")
        let signedHeader = try SignedHeader.decode(try fields.required(4, "signedHeader"))
        let key = try fields.hash(5, "key")
        let recordValue = try fields.required(6, "record")
        let record: [UInt8]?
        switch recordValue {
        case .null: record = nil
        case .bytes(let bytes):
            guard (1...ProofLimits.maxStateRecordBytes).contains(bytes.count) else {
                throw ObjectError(.limitExceeded, "state-proof.record: must be 1–\(ProofLimits.maxStateRecordBytes) bytes, found \(bytes.count)")
            }
            record = bytes
        default: throw ObjectError(.malformed, "state-proof.record: expected byte string or null, found \(recordValue.typeName)")
        }
        let proof = try ProofEncoding.sparseProof(try fields.required(7, "proof"), "state-proof.proof")
        try self.init(chainID: chainID, genesisHash: genesisHash, history: history, signedHeader: signedHeader,
                      key: key, record: record, proof: proof)
    }
}
