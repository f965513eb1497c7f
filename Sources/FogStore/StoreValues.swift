public import FogCrypto
public import FogExecution
public import FogTypes

/// The identity of a store: which chain it holds, fixed when it is created.
public struct StoreMetadata: Hashable, Sendable {
    /// The chain id.
    public let chainID: ChainID
    /// SHA-256 of the genesis document's encoding.
    public let genesisHash: Hash256
    /// The state root of the genesis state (height 0).
    public let genesisStateRoot: Hash256

    /// Creates metadata.
    public init(chainID: ChainID, genesisHash: Hash256, genesisStateRoot: Hash256) {
        self.chainID = chainID
        self.genesisHash = genesisHash
        self.genesisStateRoot = genesisStateRoot
    }
}

/// Everything one block commits, persisted in one transaction.
public struct BlockCommitment: Sendable {
    /// The block.
    public let block: Block
    /// The block's own commit when it is already known (a single-validator chain), else `nil`
    /// (it arrives later: ``LedgerStore/attachCommit(_:)``, or as the next block's `lastCommit`).
    public let commit: Commit?
    /// One receipt per transaction, in block order.
    public let receipts: [Receipt]
    /// The committed readings in block order (the leaves of the readings tree).
    public let readings: [Reading]
    /// The encoding of each of `readings`, in the same order.
    public let readingEncodings: [[UInt8]]
    /// The state changes and the new tree nodes, from the previous height's root to the header's.
    public let state: StateDiff

    /// Creates a commitment from its parts.
    public init(block: Block, commit: Commit?, receipts: [Receipt], readings: [Reading], state: StateDiff) {
        self.init(block: block, commit: commit, receipts: receipts, readings: readings,
                  readingEncodings: readings.map { $0.encoded }, state: state)
    }

    /// Creates a commitment from the block's execution (whose readings are already encoded).
    public init(block: Block, commit: Commit? = nil, execution: BlockExecution) {
        self.init(block: block, commit: commit, receipts: execution.receipts, readings: execution.readings,
                  readingEncodings: execution.readingEncodings, state: execution.state)
    }

    private init(block: Block, commit: Commit?, receipts: [Receipt], readings: [Reading],
                 readingEncodings: [[UInt8]], state: StateDiff) {
        self.block = block
        self.commit = commit
        self.receipts = receipts
        self.readings = readings
        self.readingEncodings = readingEncodings
        self.state = state
    }

    var height: UInt64 { block.header.height }
}

/// Where a transaction sits in the chain.
public struct TransactionLocation: Hashable, Sendable {
    /// The block height.
    public let height: UInt64
    /// The position in the block's transactions.
    public let index: UInt32

    /// Creates a location.
    public init(height: UInt64, index: UInt32) {
        self.height = height
        self.index = index
    }
}

/// A receipt and where its transaction is.
public struct StoredReceipt: Hashable, Sendable {
    /// The receipt.
    public let receipt: Receipt
    /// Where the transaction is.
    public let location: TransactionLocation

    /// Creates a stored receipt.
    public init(receipt: Receipt, location: TransactionLocation) {
        self.receipt = receipt
        self.location = location
    }
}

/// A committed reading and where it is: the leaf `index` of the readings tree of block `height`.
public struct StoredReading: Hashable, Sendable {
    /// The reading.
    public let reading: Reading
    /// The block height.
    public let height: UInt64
    /// The position among the block's committed readings (its leaf index in the readings tree).
    public let index: UInt32

    /// Creates a stored reading.
    public init(reading: Reading, height: UInt64, index: UInt32) {
        self.reading = reading
        self.height = height
        self.index = index
    }
}

/// A position in a device's readings, ordered by (time, sequence): a page continues after it.
///
/// Readings are only ever appended and a device's sequence numbers are unique, so a cursor stays
/// valid and pages never repeat or skip a reading, whatever is committed meanwhile.
public struct ReadingCursor: Hashable, Sendable, Comparable {
    /// The time of the last reading returned.
    public let timeMillis: UInt64
    /// Its sequence number.
    public let sequence: UInt64

    /// Creates a cursor.
    public init(timeMillis: UInt64, sequence: UInt64) {
        self.timeMillis = timeMillis
        self.sequence = sequence
    }

    /// The cursor of `reading`.
    public init(_ reading: Reading) {
        self.init(timeMillis: reading.timeMillis, sequence: reading.sequence)
    }

    /// An opaque token for APIs: `<time hex>-<sequence hex>`, 16 digits each.
    public var token: String { hex16(timeMillis) + "-" + hex16(sequence) }

    /// Parses a ``token``; `nil` when it is not one.
    public init?(token: String) {
        let parts = token.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 16 }),
              let time = UInt64(parts[0], radix: 16), let sequence = UInt64(parts[1], radix: 16)
        else { return nil }
        self.init(timeMillis: time, sequence: sequence)
    }

    public static func < (lhs: ReadingCursor, rhs: ReadingCursor) -> Bool {
        (lhs.timeMillis, lhs.sequence) < (rhs.timeMillis, rhs.sequence)
    }
}

private func hex16(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}

/// One page of readings.
public struct ReadingPage: Hashable, Sendable {
    /// The readings, ordered by (time, sequence).
    public let readings: [StoredReading]
    /// Where the next page starts, or `nil` when this page ends the range.
    public let next: ReadingCursor?

    /// Creates a page.
    public init(readings: [StoredReading], next: ReadingCursor?) {
        self.readings = readings
        self.next = next
    }
}

/// The store's named limits.
public enum StoreLimits {
    /// The most readings one page returns.
    public static let maxReadingsPage = 1_000
    /// The default number of recent heights whose state versions are kept.
    public static let defaultRetainedVersions: UInt64 = 100

    /// The oldest height whose state is still readable when `latest` is the latest height and the
    /// `retained` most recent heights are kept (at least 1).
    public static func oldestRetained(latest: UInt64, retained: UInt64) -> UInt64 {
        let kept = max(retained, 1)
        return latest >= kept ? latest - kept + 1 : 0
    }
}

/// A store failure: a write that does not fit the stored chain, a read out of range, or a file that
/// is not (or no longer) a FogLedger store.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Hashable, Sendable {
        /// The block is not the next height, or does not extend the latest block.
        case notNextBlock = "not-next-block"
        /// The block's parts disagree (state diff vs header, receipts vs transactions, chain id).
        case inconsistentBlock = "inconsistent-block"
        /// A commit names a height or block the store does not hold.
        case commitMismatch = "commit-mismatch"
        /// A height above the latest.
        case unknownHeight = "unknown-height"
        /// A height whose state versions were pruned.
        case heightPruned = "height-pruned"
        /// A page size outside 1...maxReadingsPage.
        case invalidPageSize = "invalid-page-size"
        /// The store was created for another genesis.
        case genesisMismatch = "genesis-mismatch"
        /// The file is not a FogLedger store (not SQLite, or another application's database).
        case notALedgerStore = "not-a-ledger-store"
        /// The store's schema is newer than this build knows.
        case unsupportedSchema = "unsupported-schema"
        /// Stored data does not decode or is missing where it must exist.
        case corrupt
    }

    /// The code.
    public let code: Code
    /// A human-readable detail.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
