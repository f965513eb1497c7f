import Foundation

extension DevNode: LedgerIngress {
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
}
