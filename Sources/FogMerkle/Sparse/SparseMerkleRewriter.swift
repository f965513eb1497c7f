import FogCrypto

/// The one-pass batch rewrite behind ``SparseMerkleTree/update(root:rootVersion:changes:version:in:)``.
///
/// It descends the old tree along the sorted changes, splitting them on the key bit of each depth;
/// where the old tree has an empty subtree or a single leaf, it builds the new subtree from the
/// changes (and that leaf); on the way back up it joins the two new children into a branch, or
/// lifts a lone leaf past an empty sibling, which keeps the tree canonical after deletions. Nodes it
/// creates are for ``version``; nodes it keeps from the old tree keep the versions they were stored at.
struct SparseMerkleRewriter<Store: SparseMerkleNodeStore> {
    /// One change, after sorting.
    struct Change {
        var key: Hash256
        var valueHash: Hash256?
    }

    /// A leaf to place while building a subtree; `stored` is the version of a leaf the store already
    /// holds, `nil` for a new one.
    struct Entry {
        var key: Hash256
        var valueHash: Hash256
        var stored: UInt64?
    }

    /// What a rewritten subtree is; `unknown` for an untouched subtree whose node was not loaded.
    enum Shape {
        case empty, leaf, branch, unknown
    }

    /// A rewritten subtree: its hash, the version its root node is stored at and, when known, its shape.
    struct Subtree {
        var hash: Hash256
        var version: UInt64
        var shape: Shape
    }

    let store: Store
    /// The version of the nodes this rewrite creates.
    let version: UInt64
    private(set) var created: [(hash: Hash256, node: SparseMerkleStoredNode)] = []

    init(store: Store, version: UInt64) {
        self.store = store
        self.version = version
    }

    /// The changes sorted by key, with only the last change of each key kept.
    static func normalize(_ changes: [(key: Hash256, valueHash: Hash256?)]) -> [Change] {
        let order = changes.indices.sorted { a, b in
            let (keyA, keyB) = (changes[a].key, changes[b].key)
            return keyA < keyB || (keyA == keyB && a < b)
        }
        var sorted: [Change] = []
        sorted.reserveCapacity(order.count)
        for index in order {
            let change = Change(key: changes[index].key, valueHash: changes[index].valueHash)
            if let last = sorted.last, last.key == change.key {
                sorted[sorted.count - 1] = change
            } else {
                sorted.append(change)
            }
        }
        return sorted
    }

    /// The new subtree at `depth` that replaces the one with hash `hash` (stored at `nodeVersion`),
    /// after `changes` (sorted, distinct keys, all on this subtree's path).
    mutating func rewrite(_ hash: Hash256, version nodeVersion: UInt64, depth: Int,
                          _ changes: ArraySlice<Change>) throws -> Subtree {
        if changes.isEmpty {
            return Subtree(hash: hash, version: nodeVersion,
                           shape: hash == SparseMerkleTree.emptyRoot ? .empty : .unknown)
        }
        guard let stored = try SparseMerkleTree.load(hash, version: nodeVersion, from: store) else {
            return build(depth: depth, entries: Self.entries(changes, carrying: nil)[...])
        }
        switch stored.node {
        case let .leaf(key, valueHash):
            // A leaf lies on its own key's path; one that does not would make `build` misplace keys.
            guard key.commonPrefixLength(with: changes[changes.startIndex].key) >= depth else {
                throw SparseMerkleTree.malformed("leaf \(key) lies off its path at depth \(depth)")
            }
            let existing = Entry(key: key, valueHash: valueHash, stored: nodeVersion)
            return build(depth: depth, entries: Self.entries(changes, carrying: existing)[...])
        case let .branch(left, right):
            guard depth < SparseMerkleTree.maxDepth else { throw SparseMerkleTree.malformed("branch \(hash) at depth \(depth)") }
            let split = Self.firstIndexWithBitSet(changes, depth: depth)
            let newLeft = try rewrite(left, version: stored.leftVersion, depth: depth + 1, changes[..<split])
            let newRight = try rewrite(right, version: stored.rightVersion, depth: depth + 1, changes[split...])
            if newLeft.hash == left && newRight.hash == right {
                return Subtree(hash: hash, version: nodeVersion, shape: .branch)
            }
            return try join(newLeft, newRight)
        }
    }

    /// The leaves of a subtree that held at most `existing`, after `changes`: the set values, with
    /// `existing` kept (as not new) unless a change removes or replaces it. Sorted by key.
    static func entries(_ changes: ArraySlice<Change>, carrying existing: Entry?) -> [Entry] {
        var entries: [Entry] = []
        entries.reserveCapacity(changes.count + 1)
        var pending = existing
        for change in changes {
            if let carried = pending, carried.key <= change.key {
                pending = nil
                if carried.key == change.key {
                    // The change decides; an unchanged value keeps the stored leaf.
                    if change.valueHash == carried.valueHash {
                        entries.append(carried)
                    } else if let valueHash = change.valueHash {
                        entries.append(Entry(key: change.key, valueHash: valueHash, stored: nil))
                    }
                    continue
                }
                entries.append(carried)
            }
            if let valueHash = change.valueHash {
                entries.append(Entry(key: change.key, valueHash: valueHash, stored: nil))
            }
        }
        if let carried = pending {
            entries.append(carried)
        }
        return entries
    }

    /// The canonical subtree at `depth` holding exactly `entries` (sorted, distinct keys, all on
    /// this subtree's path).
    mutating func build(depth: Int, entries: ArraySlice<Entry>) -> Subtree {
        guard let first = entries.first else {
            return Subtree(hash: SparseMerkleTree.emptyRoot, version: version, shape: .empty)
        }
        if entries.count == 1 {
            let hash = MerkleHashing.sparseLeaf(key: first.key, valueHash: first.valueHash)
            if let stored = first.stored {
                return Subtree(hash: hash, version: stored, shape: .leaf)
            }
            created.append((hash, SparseMerkleStoredNode(.leaf(key: first.key, valueHash: first.valueHash))))
            return Subtree(hash: hash, version: version, shape: .leaf)
        }
        // Distinct keys on one path differ at a bit at or below `depth`, so this never reaches 256.
        precondition(depth < SparseMerkleTree.maxDepth, "distinct keys agree on all 256 bits")
        let split = Self.firstIndexWithBitSet(entries, depth: depth) { $0.key }
        let left = build(depth: depth + 1, entries: entries[..<split])
        let right = build(depth: depth + 1, entries: entries[split...])
        return parent(left, right)
    }

    /// The parent of two rewritten subtrees; an untouched subtree beside an empty one is loaded to
    /// learn whether it is a leaf to lift.
    mutating func join(_ left: Subtree, _ right: Subtree) throws -> Subtree {
        var left = left
        var right = right
        if left.shape == .empty { right = try resolved(right) }
        if right.shape == .empty { left = try resolved(left) }
        return parent(left, right)
    }

    /// `subtree` with its shape known, loading its node when it was not.
    func resolved(_ subtree: Subtree) throws -> Subtree {
        guard subtree.shape == .unknown else { return subtree }
        switch try SparseMerkleTree.load(subtree.hash, version: subtree.version, from: store)?.node {
        case nil: return Subtree(hash: subtree.hash, version: subtree.version, shape: .empty)
        case .leaf: return Subtree(hash: subtree.hash, version: subtree.version, shape: .leaf)
        case .branch: return Subtree(hash: subtree.hash, version: subtree.version, shape: .branch)
        }
    }

    /// The canonical parent of two subtrees of known shape: nothing for two empty ones, the leaf
    /// itself for a leaf beside an empty subtree (it moves up a level), a new branch otherwise.
    mutating func parent(_ left: Subtree, _ right: Subtree) -> Subtree {
        switch (left.shape, right.shape) {
        case (.empty, .empty), (.leaf, .empty): return left
        case (.empty, .leaf): return right
        default:
            let node = SparseMerkleStoredNode(.branch(left: left.hash, right: right.hash),
                                              leftVersion: left.version, rightVersion: right.version)
            let hash = MerkleHashing.node(left.hash, right.hash)
            created.append((hash, node))
            return Subtree(hash: hash, version: version, shape: .branch)
        }
    }

    /// Stores the new tree's root again at ``version`` when the rewrite kept an older node as the
    /// root (no change, or only a lifted leaf or an untouched subtree left), so that every version's
    /// root is found at that version.
    mutating func restoreRoot(_ root: Subtree) throws {
        guard root.hash != SparseMerkleTree.emptyRoot, root.version != version,
              let stored = try SparseMerkleTree.load(root.hash, version: root.version, from: store)
        else { return }
        created.append((root.hash, stored))
    }

    /// The index of the first element whose key has bit `depth` set. The elements share their first
    /// `depth` bits and are sorted, so those with the bit clear all come first: a binary search.
    static func firstIndexWithBitSet<C: RandomAccessCollection>(
        _ elements: C, depth: Int, key: (C.Element) -> Hash256
    ) -> C.Index {
        var low = elements.startIndex
        var high = elements.endIndex
        while low < high {
            let middle = elements.index(low, offsetBy: elements.distance(from: low, to: high) / 2)
            if key(elements[middle]).bit(depth) {
                high = middle
            } else {
                low = elements.index(after: middle)
            }
        }
        return low
    }

    static func firstIndexWithBitSet(_ changes: ArraySlice<Change>, depth: Int) -> Int {
        firstIndexWithBitSet(changes, depth: depth) { $0.key }
    }
}
