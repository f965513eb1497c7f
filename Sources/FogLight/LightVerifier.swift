import FogCore
public import FogCrypto
import FogMerkle
public import FogTypes

/// The offline proof verifier: trusts only a genesis document, and checks reading and state proof
/// bundles against it (spec/light-client.md §5).
///
/// Pure: no IO, no clock, no randomness. Every check of untrusted input throws a `LightError` naming
/// what failed; nothing in a bundle can make it crash.
public struct LightVerifier: Sendable {
    /// The trusted genesis.
    public let genesis: Genesis
    /// Its hash, which bundles must name.
    public let genesisHash: Hash256

    /// A verifier that trusts `genesis`.
    public init(genesis: Genesis) {
        self.genesis = genesis
        self.genesisHash = genesis.hash
    }

    /// Verifies a reading proof against `genesis`.
    public static func verify(_ proof: ReadingProof, genesis: Genesis) throws(LightError) -> VerifiedReading {
        try LightVerifier(genesis: genesis).verify(proof)
    }

    /// Verifies a state proof against `genesis`.
    public static func verify(_ proof: StateProof, genesis: Genesis) throws(LightError) -> VerifiedState {
        try LightVerifier(genesis: genesis).verify(proof)
    }

    /// Decodes a reading proof from untrusted bytes and verifies it.
    public func verifyReadingProof(_ bytes: [UInt8]) throws(LightError) -> VerifiedReading {
        let proof: ReadingProof
        do { proof = try ReadingProof.decode(bytes) } catch { throw LightError(decoding: error) }
        return try verify(proof)
    }

    /// Decodes a state proof from untrusted bytes and verifies it.
    public func verifyStateProof(_ bytes: [UInt8]) throws(LightError) -> VerifiedState {
        let proof: StateProof
        do { proof = try StateProof.decode(bytes) } catch { throw LightError(decoding: error) }
        return try verify(proof)
    }

    /// Verifies that the bundle's reading was committed by the chain of the trusted genesis.
    public func verify(_ proof: ReadingProof) throws(LightError) -> VerifiedReading {
        let header = try trustedHeader(chainID: proof.chainID, claimedGenesis: proof.genesisHash,
                                       history: proof.history, signedHeader: proof.signedHeader)
        guard proof.reading.chainID == genesis.chainID else {
            throw LightError(.wrongChain, "the reading is for chain \(proof.reading.chainID), not \(genesis.chainID)")
        }
        do {
            try proof.inclusion.check(leafHash: MerkleTree.leafHash(proof.reading.encoded), root: header.readingsRoot)
        } catch {
            throw LightError(.proofInvalid, "reading inclusion proof at height \(header.height): \(error)")
        }
        return VerifiedReading(reading: proof.reading, height: header.height, blockTimeMillis: header.timeMillis,
                               blockID: header.blockID)
    }

    /// Verifies that the bundle's key holds the record's hash (or nothing) in the state of the chain of
    /// the trusted genesis after the proven block.
    public func verify(_ proof: StateProof) throws(LightError) -> VerifiedState {
        let header = try trustedHeader(chainID: proof.chainID, claimedGenesis: proof.genesisHash,
                                       history: proof.history, signedHeader: proof.signedHeader)
        let valueHash = proof.record.map { SHA256Hasher.hash($0) }
        do {
            try proof.proof.check(root: header.stateRoot, key: proof.key, valueHash: valueHash)
        } catch {
            throw LightError(.proofInvalid, "state proof of \(proof.key) at height \(header.height): \(error)")
        }
        return VerifiedState(key: proof.key, record: proof.record, height: header.height,
                             blockTimeMillis: header.timeMillis, blockID: header.blockID, stateRoot: header.stateRoot)
    }
}
