/// Which of a chain's validator-set changes a proof's history steps through (spec/light-client.md §4,
/// "Which changes a history names").
///
/// A verifier trusts a header when more than 2/3 of the power of the set it trusts signed the header's
/// commit, whichever set the header names. So a history need not list every change: from the set
/// trusted so far it may step to the last change point whose commit that set still signs with a
/// quorum, and it ends as soon as the proven header's commit carries such a quorum. While most of
/// the power stays with the same validators (a DPoS set whose stakes drift, a PoA set that adds a
/// member), the history stays short however many times the set changed; a set replaced outright
/// takes one step per replacement, as a sequential history would.
public enum ValidatorHistoryRoute {
    /// The indices, ascending, into a chain's change points (headers whose next set differs from their
    /// own, in height order, all below the proven header) of the steps a bundle carries.
    ///
    /// Each step is the furthest change point, scanning forward from the one after the previous step,
    /// before the first whose commit lacks a quorum of the set trusted so far; the change point right
    /// after a step is always signed by the set that step trusts, so each step advances. Every commit is
    /// read once. Powers are counted by signer address; the commits are the chain's own, already
    /// verified, so no signature is checked here.
    ///
    /// - Parameters:
    ///   - genesis: the genesis validator set.
    ///   - changeCount: how many change points lie below the proven header.
    ///   - target: the proven header's commit.
    ///   - commit: the commit of the change point at an index.
    ///   - nextSet: the set that signs after the change point at an index; called once for each step,
    ///     in order.
    public static func steps(genesis: ValidatorSet, changeCount: Int, target: Commit,
                             commit: (Int) throws -> Commit,
                             nextSet: (Int) throws -> ValidatorSet) rethrows -> [Int] {
        var trusted = genesis
        var position = 0
        var steps: [Int] = []
        while !trusted.isQuorum(target.power(signedIn: trusted)), position < changeCount {
            var chosen = position
            while chosen + 1 < changeCount, trusted.isQuorum(try commit(chosen + 1).power(signedIn: trusted)) {
                chosen += 1
            }
            steps.append(chosen)
            trusted = try nextSet(chosen)
            position = chosen + 1
        }
        return steps
    }
}
