import FogStore
import FogTypes

/// The rowid of a block's receipt or reading: its height in the high bits, its position in the
/// block in the low ``positionBits``.
///
/// The receipts and readings tables are rowid tables keyed by it (schema 7). A block's rows then
/// go in at the end of the table's B-tree in key order, where SQLite takes its append path: a full
/// rightmost leaf gets a new leaf beside it, and nothing else moves. Keyed by the pair (height,
/// position) in a `WITHOUT ROWID` table, each commit's inserts rebalanced the rightmost leaf with
/// its neighbours and wrote those again: 12–14 WAL pages per block for three pages of rows
/// (docs/benchmarks.md, "Round 23").
struct BlockRowID {
    /// Bits of the position: a block holds fewer than 2^24 receipts or readings, since it holds at
    /// most `ObjectLimits.maxBlockBytes` (4 MiB) and each takes at least a byte.
    static let positionBits = 24
    /// The highest height a rowid can carry: 2^39 − 1.
    static let maxHeight = UInt64(Int64.max >> positionBits)

    /// The rowid itself.
    let value: Int64

    /// The rowid of the `position`-th row of the block at `height`; `nil` beyond ``maxHeight`` or
    /// a position of 2^24 or more.
    init?(height: UInt64, position: UInt64) {
        guard height <= Self.maxHeight, position < 1 << Self.positionBits else { return nil }
        value = Int64(height) << Self.positionBits | Int64(position)
    }

    /// The rowid of the `position`-th row of the block at `height`, which is being written.
    /// Throws ``StoreError/Code/inconsistentBlock`` when either is out of range.
    static func writing(height: UInt64, position: Int) throws -> Int64 {
        guard let id = BlockRowID(height: height, position: UInt64(position)) else {
            throw StoreError(.inconsistentBlock, "row \(position) of height \(height) is beyond the store's row ids")
        }
        return id.value
    }

    /// The rowids of every row of the block at `height` (`nil` beyond ``maxHeight``).
    static func block(_ height: UInt64) -> ClosedRange<Int64>? {
        guard let first = BlockRowID(height: height, position: 0) else { return nil }
        return first.value...(first.value | (1 << positionBits - 1))
    }

    /// The first rowid above every row of heights up to `height`.
    static func above(_ height: UInt64) -> Int64 {
        height >= maxHeight ? .max : Int64(height + 1) << positionBits
    }
}
