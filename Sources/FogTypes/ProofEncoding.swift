import FogCore
import FogCrypto
import FogMerkle

/// The CBOR forms of Merkle proofs inside proof bundles (spec/light-client.md §3.4).
enum ProofEncoding {
    /// `[leafIndex, treeSize, [hash, …]]`.
    static func value(_ proof: InclusionProof) -> CBORValue {
        .array([.unsigned(proof.leafIndex), .unsigned(proof.treeSize), .array(proof.path.map { .hash($0) })])
    }

    /// Reads `[leafIndex, treeSize, [hash, …]]`; a path longer than the limit is `limit-exceeded`, any
    /// other shape a tree cannot have is `malformed`.
    static func inclusionProof(_ value: CBORValue, _ field: String) throws -> InclusionProof {
        guard case .array(let parts) = value, parts.count == 3 else {
            throw ObjectError(.malformed, "\(field): expected [leafIndex, treeSize, path]")
        }
        let index = try CBORFields.uint(parts[0], "\(field).leafIndex")
        let size = try CBORFields.uint(parts[1], "\(field).treeSize")
        let path = try hashes(parts[2], "\(field).path", maxCount: ProofLimits.maxInclusionPathHashes)
        do {
            return try InclusionProof(leafIndex: index, treeSize: size, path: path)
        } catch {
            throw ObjectError(.malformed, "\(field): \(error)")
        }
    }

    /// `[terminal, [sibling, …]]` where terminal is `null` (an empty subtree) or `[key, valueHash]`.
    static func value(_ proof: SparseMerkleProof) -> CBORValue {
        let terminal: CBORValue
        switch proof.terminal {
        case .empty: terminal = .null
        case let .leaf(key, valueHash): terminal = .array([.hash(key), .hash(valueHash)])
        }
        return .array([terminal, .array(proof.siblings.map { .hash($0) })])
    }

    /// Reads `[terminal, [sibling, …]]`.
    static func sparseProof(_ value: CBORValue, _ field: String) throws -> SparseMerkleProof {
        guard case .array(let parts) = value, parts.count == 2 else {
            throw ObjectError(.malformed, "\(field): expected [terminal, siblings]")
        }
        let terminal: SparseMerkleProof.Terminal
        switch parts[0] {
        case .null:
            terminal = .empty
        case .array(let leaf) where leaf.count == 2:
            terminal = .leaf(key: try hash(leaf[0], "\(field).terminal.key"),
                             valueHash: try hash(leaf[1], "\(field).terminal.valueHash"))
        default:
            throw ObjectError(.malformed, "\(field).terminal: expected null or [key, valueHash]")
        }
        let siblings = try hashes(parts[1], "\(field).siblings", maxCount: ProofLimits.maxSparseSiblings)
        do {
            return try SparseMerkleProof(terminal: terminal, siblings: siblings)
        } catch {
            throw ObjectError(.malformed, "\(field): \(error)")
        }
    }

    static func hash(_ value: CBORValue, _ field: String) throws -> Hash256 {
        Hash256(bytes: try CBORFields.bytes(value, field, length: Hash256.byteCount...Hash256.byteCount))!
    }

    static func hashes(_ value: CBORValue, _ field: String, maxCount: Int) throws -> [Hash256] {
        guard case .array(let items) = value else {
            throw ObjectError(.malformed, "\(field): expected array, found \(value.typeName)")
        }
        guard items.count <= maxCount else {
            throw ObjectError(.limitExceeded, "\(field): \(items.count) hashes exceed the limit of \(maxCount)")
        }
        return try items.enumerated().map { try hash($1, "\(field)[\($0)]") }
    }
}
