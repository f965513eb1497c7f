import FogConsensus
import FogCrypto
import FogTypes
import FogWire

/// Block sync: a validator behind its peers fetches the blocks it lacks with their commits and hands
/// each to the machine (`commitReceived`), which decides it only when the commit verifies against
/// the height's validator set; committing it then re-executes the block and checks the header's
/// roots. Consensus goes on at the next height.
///
/// One request is outstanding at a time. When it times out, the peer answers `noBlock`, or the
/// peer goes down, the next request goes to another peer that announced a higher height; a peer that
/// failed is not asked again for ``syncAvoidPeriod`` (so a peer announcing heights it cannot serve
/// costs one request per period).
extension ValidatorNode {
    /// How long a block request may stay unanswered before another peer is asked.
    static let syncRequestTimeout: Duration = .seconds(2)
    /// How long a peer that failed a block request is not asked again.
    static let syncAvoidPeriod: Duration = .seconds(5)

    /// A consensus message of a later height shows that `peer` committed the heights before it.
    func noteAhead(_ peer: Address, messageHeight: UInt64) {
        guard messageHeight > 1, messageHeight > machine.height, machine.rotation != nil else { return }
        peerHeights[peer] = max(peerHeights[peer] ?? 0, messageHeight - 1)
        requestBlocksIfBehind(from: peer)
    }

    /// Asks a peer that is ahead (`preferred` when it is a candidate that has not failed) for the
    /// blocks from the current height up to its latest (at most `WireLimits.maxBlocksPerRequest`),
    /// unless a request is outstanding and not yet timed out.
    func requestBlocksIfBehind(from preferred: Address? = nil) {
        guard !halted, let latest = try? store.latestHeight() else { return }
        let clock = ContinuousClock()
        if let last = syncRequestedAt {
            guard clock.now - last >= Self.syncRequestTimeout else { return }
            if let peer = syncPeer {
                logger.info("block request timed out", metadata: ["peer": "\(peer)"])
                syncAvoided[peer] = clock.now
            }
            syncRequestedAt = nil
            syncPeer = nil
        }
        guard let peer = syncCandidate(above: latest, preferred: preferred), let peerHeight = peerHeights[peer] else { return }
        let from = latest + 1
        let to = min(peerHeight, from + UInt64(WireLimits.maxBlocksPerRequest) - 1)
        guard let range = try? BlockRange(from: from, to: to) else { return }
        syncRequestedAt = clock.now
        syncTarget = to
        syncPeer = peer
        logger.info("requesting blocks", metadata: ["peer": "\(peer)", "range": "\(range)"])
        _ = try? network.send(.blockRequest(range), to: peer)
    }

    /// The peer to ask for blocks above `latest`: `preferred` if it announced more and has not
    /// failed lately, else the highest such peer.
    private func syncCandidate(above latest: UInt64, preferred: Address?) -> Address? {
        let now = ContinuousClock.now
        syncAvoided = syncAvoided.filter { now - $0.value < Self.syncAvoidPeriod }
        let fresh = peerHeights.filter { $0.value > latest && syncAvoided[$0.key] == nil }
        if let preferred, fresh[preferred] != nil { return preferred }
        return fresh.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
    }

    /// The outstanding request to `peer` failed (no block, or the peer went down): ask another.
    func syncFailed(_ peer: Address) {
        syncAvoided[peer] = ContinuousClock.now
        syncRequestedAt = nil
        syncPeer = nil
        requestBlocksIfBehind()
    }

    /// Serves a block request from the store: each block with its commit, then `noBlock` for the
    /// first height it does not have.
    func serve(_ range: BlockRange, to peer: Address) {
        for height in range.heights {
            guard let block = try? store.block(at: height), let commit = try? store.commit(at: height),
                  let committed = try? FogWire.CommittedBlock(block: block, commit: commit)
            else {
                _ = try? network.send(.noBlock(height: height), to: peer)
                return
            }
            _ = try? network.send(.blockResponse(committed), to: peer)
        }
    }

    /// A block with its commit from a peer: decided through the machine when it is the current height.
    func receiveBlock(_ committed: FogWire.CommittedBlock, from peer: Address) {
        guard let latest = try? store.latestHeight() else { return }
        let height = committed.block.header.height
        guard height == latest + 1 else { return }
        if machine.rotation == nil || machine.height != height { startNextHeight() }
        guard machine.height == height else { return }
        feed(.commitReceived(committed.block, committed.commit))
        if (try? store.latestHeight()) == height {
            if height >= syncTarget {
                syncRequestedAt = nil
                syncPeer = nil
                requestBlocksIfBehind(from: peer)
            }
        }
    }
}
