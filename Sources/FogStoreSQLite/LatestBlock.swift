import FogTypes

/// The latest committed block's header and commit as the store last wrote them. A validator reads
/// both at every height (to build or check the next block), and the store is the only writer of its
/// file, so they are served from here instead of a read transaction each time.
struct LatestBlock: Sendable {
    /// The latest committed height (0: only the genesis state).
    var height: UInt64
    /// Its header (nil at height 0).
    var header: BlockHeader?
    /// Its commit, when one is stored (a block can be stored before its commit is attached).
    var commit: Commit?
}
