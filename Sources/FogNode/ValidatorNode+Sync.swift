import FogConsensus
import FogCrypto
import FogTypes
import FogWire

/// Block sync: a validator behind its peers fetches the blocks it lacks with their commits and hands
/// each to the machine (`commitReceived`), which decides it only when the commit verifies against
/// the height's validator set; committing it then re-executes the block and checks the header's
/// roots. Consensus goes on at the next height.
extension ValidatorNode {
    /// How long a block request may stay unanswered before another is sent.
    static let syncRequestTimeout: Duration = .seconds(2)

    /// A consensus message of a later height shows that `peer` committed the heights before it.
    func noteAhead(_ peer: Address, messageHeight: UInt64) {
        guard messageHeight > 1, messageHeight > machine.height, machine.rotation != nil else { return }
        peerHeights[peer] = max(peerHeights[peer] ?? 0, messageHeight - 1)
        requestBlocksIfBehind(from: peer)
    }

    /// Asks `peer` for the blocks from the current height up to its latest (at most
    /// `WireLimits.maxBlocksPerRequest`), unless a request is already outstanding.
    func requestBlocksIfBehind(from peer: Address) {
        guard !halted, let peerHeight = peerHeights[peer], let latest = try? store.latestHeight(), peerHeight > latest
        else { return }
        let clock = ContinuousClock()
        if let last = syncRequestedAt, clock.now - last < Self.syncRequestTimeout { return }
        let from = latest + 1
        let to = min(peerHeight, from + UInt64(WireLimits.maxBlocksPerRequest) - 1)
        guard let range = try? BlockRange(from: from, to: to) else { return }
        syncRequestedAt = clock.now
        syncTarget = to
        logger.info("requesting blocks", metadata: ["peer": "\(peer)", "range": "\(range)"])
        _ = try? network.send(.blockRequest(range), to: peer)
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
        if (try? store.latestHeight()) == height, height >= syncTarget {
            syncRequestedAt = nil
            requestBlocksIfBehind(from: peer)
        }
    }
}
