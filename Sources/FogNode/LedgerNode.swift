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
        let signed = try signedHeader(at: stored.height)
        return try ReadingProof(chainID: genesis.chainID, genesisHash: genesis.hash,
                                history: try validatorHistory(reaching: signed), signedHeader: signed,
                                reading: stored.reading, inclusion: inclusion)
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
        let signed = try signedHeader(at: at)
        return try StateProof(chainID: genesis.chainID, genesisHash: genesis.hash, history: try validatorHistory(reaching: signed),
                              signedHeader: signed, key: key, record: record, proof: proof)
    }

    /// The validator-set history a proof of `signedHeader` carries (spec/light-client.md §4): the
    /// change points below its height that ``ValidatorHistoryRoute`` steps through from the genesis
    /// set, each with its next set. The store names the change points; each next set is the state's
    /// record of the set from that height on, which execution never deletes.
    public func validatorHistory(reaching signedHeader: SignedHeader) throws -> [ValidatorSetChange] {
        let state = LatestState(store: store)
        let changeHeights = try store.validatorSetChangeHeights(below: signedHeader.header.height)
        var history: [ValidatorSetChange] = []
        _ = try ValidatorHistoryRoute.steps(
            genesis: genesis.validators, changeCount: changeHeights.count, target: signedHeader.commit,
            commit: { index in
                guard let commit = try store.commit(at: changeHeights[index]) else {
                    throw StoreError(.unknownHeight, "no committed block at height \(changeHeights[index])")
                }
                return commit
            },
            nextSet: { index in
                let changeHeight = changeHeights[index]
                let signed = try self.signedHeader(at: changeHeight)
                guard signed.header.changesValidatorSet else {
                    throw StoreError(.corrupt, "height \(changeHeight) is listed as a validator-set change, but its header names no new set")
                }
                guard let next = try state.validatorSet(from: changeHeight + 1), next.hash == signed.header.nextValidatorsHash else {
                    throw StoreError(.corrupt, "the state lacks the validator set named by header \(changeHeight)")
                }
                history.append(ValidatorSetChange(signedHeader: signed, nextValidators: next))
                return next
            })
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
