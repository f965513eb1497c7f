import FogCrypto
import FogTypes
import Foundation

/// A validator node is an ingestion target too: the MQTT gateway beside it submits through the
/// validator's own admission and gossip (``submit(_:)``), and learns of every block this node commits,
/// whether it decided it in consensus or fetched it by block sync.
extension ValidatorNode: LedgerIngress {
    /// The committed blocks from now on (see ``LedgerIngress/committedTransactions()``).
    public func committedTransactions() -> AsyncStream<CommittedTransactions> {
        commitObservers.add { [weak self] id in
            guard let self else { return }
            Task { await self.removeCommitObserver(id) }
        }
    }

    private func removeCommitObserver(_ id: UUID) {
        commitObservers.remove(id)
    }

    /// Tells every observer of commits which transactions (`ids`, in block order) the block committed
    /// at `height` carried.
    func publishCommitted(height: UInt64, ids: [Hash256]) {
        commitObservers.publish(CommittedTransactions(height: height, ids: ids))
    }
}
