import FogCrypto
public import FogTypes

/// The blocks one validator committed, with the commit stored for each, from height 1 up.
public struct CommittedChain: Sendable {
    /// Whose chain it is.
    public let validator: Int
    /// Block and commit per height, from height 1.
    public let blocks: [(block: Block, commit: Commit?)]

    /// Creates a chain.
    public init(validator: Int, blocks: [(block: Block, commit: Commit?)]) {
        self.validator = validator
        self.blocks = blocks
    }
}

extension SimulatedNode {
    var committedChain: CommittedChain {
        let store = application.store
        let latest = store.latestHeight()
        let blocks = latest == 0 ? [] : (1...latest).compactMap { height in
            store.block(at: height).map { (block: $0, commit: store.commit(at: height)) }
        }
        return CommittedChain(validator: index, blocks: blocks)
    }
}

/// Safety: honest validators never commit different blocks at one height, and every committed
/// block carries a commit of more than 2/3 of the power with valid signatures, for that block.
public enum SafetyChecker {
    /// The violations in `chains` (all signed by `validators`); empty when safe.
    public static func check(chains: [CommittedChain], validators: ValidatorSet) -> [String] {
        var failures: [String] = []
        var decided: [UInt64: (id: Hash256, validator: Int)] = [:]
        // Validators often store the same commit: check each distinct one once.
        var verified: [Hash256: String?] = [:]
        for chain in chains {
            for (block, commit) in chain.blocks {
                let height = block.header.height
                let id = block.header.blockID
                if let first = decided[height], first.id != id {
                    failures.append("safety: height \(height) committed as \(first.id) by validator \(first.validator)"
                        + " and as \(id) by validator \(chain.validator)")
                } else if decided[height] == nil {
                    decided[height] = (id, chain.validator)
                }
                guard let commit else {
                    failures.append("safety: validator \(chain.validator) committed height \(height) without a commit")
                    continue
                }
                if commit.blockID != id || commit.height != height {
                    failures.append("safety: validator \(chain.validator)'s commit of height \(height) names another block")
                }
                let key = commit.hash
                if verified[key] == nil {
                    do {
                        try commit.verify(validators: validators)
                        verified[key] = .some(nil)
                    } catch {
                        verified[key] = .some("\(error)")
                    }
                }
                if let problem = verified[key] ?? nil {
                    failures.append("safety: validator \(chain.validator)'s commit of height \(height) is no quorum: \(problem)")
                }
            }
        }
        return failures
    }
}

/// Liveness: once faults stop, honest validators reach the target height within the bound.
public enum LivenessChecker {
    /// The failure message of a run whose honest validators stopped at `heights`.
    public static func failure(heights: [UInt64], target: UInt64, faultsEnd: UInt64, bound: UInt64, now: UInt64) -> String {
        "liveness: honest validators at heights \(heights), not all at \(target), \(bound) ms after faults stopped"
            + " at \(faultsEnd) ms (simulated time \(now) ms)"
    }
}
