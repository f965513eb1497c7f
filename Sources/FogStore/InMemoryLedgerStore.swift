public import FogCrypto
import FogExecution
public import FogMerkle
public import FogTypes
import Synchronization

/// A ``LedgerStore`` in memory with the same semantics as the SQLite store, for tests and
/// simulation. Thread-safe; nothing survives the process.
public final class InMemoryLedgerStore: LedgerStore {
    public let metadata: StoreMetadata
    public let retainedVersions: UInt64
    private let contents: Mutex<Contents>

    private struct Contents {
        var blocks: [Block] = []                       // index height - 1
        var blockReceipts: [[Receipt]] = []            // index height - 1
        var validatorSetChanges: [UInt64] = []         // ascending
        var commits: [UInt64: Commit] = [:]
        var blockHeights: [Hash256: UInt64] = [:]
        var roots: [Hash256] = []                      // index height
        var receipts: [Hash256: [StoredReceipt]] = [:]
        var readings: [Address: [StoredReading]] = [:] // sorted by (time, sequence)
        var versions: [Hash256: [(height: UInt64, record: [UInt8]?)]] = [:]
        var changedKeys: [UInt64: [Hash256]] = [:]     // heights not yet pruned
        var nodes = InMemorySparseMerkleNodeStore()
    }

    /// Creates a store holding the genesis state of `genesis`.
    public init(genesis: Genesis, retainedVersions: UInt64 = StoreLimits.defaultRetainedVersions) throws {
        let diff = try GenesisState.diff(genesis, in: InMemorySparseMerkleNodeStore())
        metadata = StoreMetadata(chainID: genesis.chainID, genesisHash: genesis.hash, genesisStateRoot: diff.root)
        self.retainedVersions = max(retainedVersions, 1)
        var contents = Contents()
        contents.roots = [diff.root]
        Self.apply(diff, height: 0, to: &contents)
        self.contents = Mutex(contents)
    }

    private static func apply(_ diff: StateDiff, height: UInt64, to contents: inout Contents) {
        for (_, node) in diff.newNodes { contents.nodes.insert(node) }
        for change in diff.changes {
            contents.versions[change.key, default: []].append((height, change.record))
        }
        contents.changedKeys[height] = diff.changes.map(\.key)
    }

    public func commitBlock(_ commitment: BlockCommitment) throws {
        try contents.withLock { contents in
            let latest = UInt64(contents.blocks.count)
            try commitment.check(metadata: metadata, latestHeight: latest,
                                 latestBlockID: contents.blocks.last?.header.blockID,
                                 latestStateRoot: contents.roots[Int(latest)])
            let height = commitment.height
            let header = commitment.block.header
            contents.blocks.append(commitment.block)
            contents.blockReceipts.append(commitment.receipts)
            if header.changesValidatorSet { contents.validatorSetChanges.append(height) }
            contents.blockHeights[header.blockID] = height
            contents.roots.append(header.stateRoot)
            if let commit = commitment.commit { contents.commits[height] = commit }
            if let lastCommit = commitment.block.lastCommit { contents.commits[height - 1] = lastCommit }
            for (index, receipt) in commitment.receipts.enumerated() {
                let stored = StoredReceipt(receipt: receipt, location: TransactionLocation(height: height, index: UInt32(index)))
                contents.receipts[receipt.transactionID, default: []].append(stored)
            }
            for (index, reading) in commitment.readings.enumerated() {
                let stored = StoredReading(reading: reading, height: height, index: UInt32(index))
                var list = contents.readings[reading.device, default: []]
                let position = list.partitionIndex { ReadingCursor($0.reading) > ReadingCursor(reading) }
                list.insert(stored, at: position)
                contents.readings[reading.device] = list
            }
            Self.apply(commitment.state, height: height, to: &contents)
            prune(&contents, latest: height)
        }
    }

    /// Drops the versions no retained height can read: for each key changed at the new oldest
    /// retained height, every older version (and a removal at that height itself).
    private func prune(_ contents: inout Contents, latest: UInt64) {
        let floor = StoreLimits.oldestRetained(latest: latest, retained: retainedVersions)
        guard floor > 0 else { return }
        for height in contents.changedKeys.keys where height < floor {
            contents.changedKeys[height] = nil
        }
        for key in contents.changedKeys[floor] ?? [] {
            guard var list = contents.versions[key] else { continue }
            list.removeAll { $0.height < floor }
            if list.first?.height == floor, list.first?.record == nil { list.removeFirst() }
            contents.versions[key] = list.isEmpty ? nil : list
        }
    }

    public func attachCommit(_ commit: Commit) throws {
        try contents.withLock { contents in
            let index = Int(exactly: commit.height).map { $0 - 1 }
            let blockID = index.flatMap { contents.blocks.indices.contains($0) ? contents.blocks[$0].header.blockID : nil }
            try BlockCommitment.check(commit, height: commit.height, blockID: blockID)
            contents.commits[commit.height] = commit
        }
    }

    public func latestHeight() -> UInt64 {
        contents.withLock { UInt64($0.blocks.count) }
    }

    public func stateRoot(at height: UInt64) -> Hash256? {
        contents.withLock { height < $0.roots.count ? $0.roots[Int(height)] : nil }
    }

    public func block(at height: UInt64) -> Block? {
        contents.withLock { height >= 1 && height <= $0.blocks.count ? $0.blocks[Int(height - 1)] : nil }
    }

    public func header(at height: UInt64) -> BlockHeader? {
        block(at: height)?.header
    }

    public func commit(at height: UInt64) -> Commit? {
        contents.withLock { $0.commits[height] }
    }

    public func block(id: Hash256) -> Block? {
        guard let height = contents.withLock({ $0.blockHeights[id] }) else { return nil }
        return block(at: height)
    }

    public func receipts(transactionID: Hash256) -> [StoredReceipt] {
        contents.withLock { $0.receipts[transactionID] ?? [] }
    }

    public func validatorSetChangeHeights(below height: UInt64) -> [UInt64] {
        contents.withLock { contents in contents.validatorSetChanges.prefix { $0 < height } }.map { $0 }
    }

    public func receipts(height: UInt64) -> [Receipt] {
        contents.withLock { contents in
            guard height >= 1, height <= UInt64(contents.blockReceipts.count) else { return [] }
            return contents.blockReceipts[Int(height - 1)]
        }
    }

    public func readings(device: Address, timeMillis range: Range<UInt64>, after cursor: ReadingCursor?,
                         limit: Int) throws -> ReadingPage {
        try StoreLimits.checkPageSize(limit)
        let matching: [StoredReading] = contents.withLock { contents in
            let list = contents.readings[device] ?? []
            var start = list.partitionIndex { $0.reading.timeMillis >= range.lowerBound }
            if let cursor {
                start = max(start, list.partitionIndex { ReadingCursor($0.reading) > cursor })
            }
            var page: [StoredReading] = []
            var index = start
            while index < list.count, page.count <= limit, list[index].reading.timeMillis < range.upperBound {
                page.append(list[index])
                index += 1
            }
            return page
        }
        return ReadingPage(limited: matching, limit: limit)
    }

    public func reading(device: Address, sequence: UInt64) -> StoredReading? {
        contents.withLock { $0.readings[device]?.first { $0.reading.sequence == sequence } }
    }

    public func record(_ key: Hash256, at height: UInt64) throws -> [UInt8]? {
        try contents.withLock { contents in
            let latest = UInt64(contents.blocks.count)
            try StoreLimits.checkReadable(height, latest: latest, retained: retainedVersions)
            return Self.record(key, at: height, in: contents)
        }
    }

    private static func record(_ key: Hash256, at height: UInt64, in contents: Contents) -> [UInt8]? {
        guard let list = contents.versions[key] else { return nil }
        let position = list.partitionIndex { $0.height > height }
        return position == 0 ? nil : list[position - 1].record
    }

    // StateReader: the latest state.

    public func record(_ key: Hash256) -> [UInt8]? {
        contents.withLock { $0.versions[key]?.last?.record ?? nil }
    }

    public func node(_ hash: Hash256, version: UInt64) -> SparseMerkleStoredNode? {
        contents.withLock { $0.nodes.node(hash, version: version) }
    }
}

extension ReadingPage {
    /// The page of the first `limit` of `matching` (which holds up to `limit + 1`: one more tells
    /// whether another page follows).
    package init(limited matching: [StoredReading], limit: Int) {
        let page = Array(matching.prefix(limit))
        self.init(readings: page, next: matching.count > limit ? page.last.map { ReadingCursor($0.reading) } : nil)
    }
}

extension StoreLimits {
    /// Throws ``StoreError/Code/invalidPageSize`` unless `limit` is 1...maxReadingsPage.
    package static func checkPageSize(_ limit: Int) throws(StoreError) {
        guard (1...maxReadingsPage).contains(limit) else {
            throw StoreError(.invalidPageSize, "page size \(limit) is outside 1...\(maxReadingsPage)")
        }
    }

    /// Throws unless the state at `height` is readable: at most `latest`, at least the oldest retained.
    package static func checkReadable(_ height: UInt64, latest: UInt64, retained: UInt64) throws(StoreError) {
        guard height <= latest else {
            throw StoreError(.unknownHeight, "height \(height) is above the latest height \(latest)")
        }
        let floor = oldestRetained(latest: latest, retained: retained)
        guard height >= floor else {
            throw StoreError(.heightPruned, "state at height \(height) was pruned; the oldest kept is \(floor)")
        }
    }
}

extension Collection {
    /// The first index whose element satisfies `predicate`, which must be false then true along
    /// the collection (binary search).
    func partitionIndex(where predicate: (Element) -> Bool) -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if predicate(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }
}
