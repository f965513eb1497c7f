public import FogCrypto
import FogExecution
import FogMerkle
public import FogStore
public import FogTypes

/// What the HTTP API serves: a node of either kind (the single-validator ``DevNode`` or a
/// ``ValidatorNode`` of a BFT network) admits envelopes and reads its committed ledger.
public protocol LedgerNode: Sendable {
    /// The chain's genesis.
    var genesis: Genesis { get }
    /// The store every block is committed to.
    var store: any LedgerStore { get }
    /// Admits one COSE_Sign1 envelope to the mempool; returns its id.
    func submit(_ envelope: [UInt8]) async throws(SubmissionError) -> Hash256
    /// Admits many independently signed envelopes, in order: one result per envelope, in the same
    /// order. A refusal does not stop the envelopes after it, except that once one is refused with
    /// `mempool-full` every later one is too (so a client resends that suffix, in order).
    func submitAll(_ envelopes: [[UInt8]]) async -> [Result<Hash256, SubmissionError>]
    /// Where transaction `id` is.
    func status(of id: Hash256) async throws -> TransactionStatus
    /// The number of pending envelopes.
    var pendingCount: Int { get async }
    /// The number of connected peers, for a node that has any.
    var connectedPeers: Int? { get async }
}

extension DevNode: LedgerNode {}

extension LedgerNode {
    /// No peers: a node without a network.
    public var connectedPeers: Int? { nil }

    // Proofs read the store only.

    /// The proof bundle of `device`'s committed reading with sequence number `sequence`, or `nil`.
    public func readingProof(device: Address, sequence: UInt64) throws -> ReadingProof? {
        guard let stored = try store.reading(device: device, sequence: sequence) else { return nil }
        let leaves = try blockReadings(height: stored.height)
        guard Int(stored.index) < leaves.count, leaves[Int(stored.index)] == stored.reading else {
            throw StoreError(.corrupt, "reading \(sequence) of \(device) is not leaf \(stored.index) of block \(stored.height)")
        }
        let inclusion = try MerkleTree.inclusionProof(
            index: Int(stored.index), leafHashes: leaves.map { MerkleTree.leafHash($0.encoded) })
        return try ReadingProof(chainID: genesis.chainID, genesisHash: genesis.hash,
                                history: try validatorHistory(below: stored.height),
                                signedHeader: try signedHeader(at: stored.height), reading: stored.reading,
                                inclusion: inclusion)
    }

    /// The proof of `key` (inclusion or absence) in the state after block `height` (default: the
    /// latest). Throws `StoreError` `unknownHeight` for a height without a block (0 included) and
    /// `heightPruned` below the retained versions.
    public func stateProof(key: Hash256, height: UInt64? = nil) throws -> StateProof {
        let latest = try store.latestHeight()
        let at = height ?? latest
        guard at >= 1, at <= latest, let root = try store.stateRoot(at: at) else {
            throw StoreError(.unknownHeight, "no block at height \(at) (latest \(latest))")
        }
        let record = try store.record(key, at: at)
        let proof = try SparseMerkleTree.proof(for: key, root: root, version: at, in: LatestState(store: store))
        return try StateProof(chainID: genesis.chainID, genesisHash: genesis.hash, history: try validatorHistory(below: at),
                              signedHeader: try signedHeader(at: at), key: key, record: record, proof: proof)
    }

    /// The validator-set history a proof at `height` carries (spec/light-client.md §4): every header
    /// below `height` whose next set differs from its own, with that next set. The store names those
    /// heights; each next set is the state's record of the set from that height on, which execution
    /// never deletes.
    public func validatorHistory(below height: UInt64) throws -> [ValidatorSetChange] {
        let state = LatestState(store: store)
        var history: [ValidatorSetChange] = []
        for changeHeight in try store.validatorSetChangeHeights(below: height) {
            guard let header = try store.header(at: changeHeight) else {
                throw StoreError(.unknownHeight, "no committed block at height \(changeHeight)")
            }
            guard header.changesValidatorSet else {
                throw StoreError(.corrupt, "height \(changeHeight) is listed as a validator-set change, but its header names no new set")
            }
            guard let next = try state.validatorSet(from: changeHeight + 1), next.hash == header.nextValidatorsHash else {
                throw StoreError(.corrupt, "the state lacks the validator set named by header \(changeHeight)")
            }
            history.append(ValidatorSetChange(signedHeader: try signedHeader(at: changeHeight), nextValidators: next))
        }
        return history
    }

    /// The header of `height` with its commit.
    public func signedHeader(at height: UInt64) throws -> SignedHeader {
        guard let header = try store.header(at: height), let commit = try store.commit(at: height) else {
            throw StoreError(.unknownHeight, "no committed block at height \(height)")
        }
        return SignedHeader(header: header, commit: commit)
    }

    /// The readings block `height` committed, in leaf order: the readings of its envelopes whose
    /// receipts are ok (device-signed readings and batches, and gateway-attested readings).
    public func blockReadings(height: UInt64) throws -> [Reading] {
        guard let block = try store.block(at: height) else {
            throw StoreError(.unknownHeight, "no block at height \(height)")
        }
        let receipts = try store.receipts(height: height)
        guard receipts.count == block.transactions.count else {
            throw StoreError(.corrupt, "block \(height) has \(block.transactions.count) transactions and \(receipts.count) receipts")
        }
        var readings: [Reading] = []
        for (bytes, receipt) in zip(block.transactions, receipts) where receipt.isOK {
            switch try SignedEnvelope(decoding: bytes, chain: genesis.chainID) {
            case .reading(let signed): readings.append(signed.object)
            case .readingBatch(let signed): readings.append(contentsOf: signed.object.readings)
            case .transaction(let signed):
                guard signed.object.kind == .attestReadings,
                      case .gateway(.attestReadings(let attested)) = try TransactionBody(kind: signed.object.kind,
                                                                                         body: signed.object.body)
                else { continue }
                readings.append(contentsOf: attested)
            }
        }
        return readings
    }
}
