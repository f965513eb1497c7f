public import FogCore
import FogCrypto

/// A block: `{0: 17, 1: header, 2: [envelope bstr, …], 3: lastCommit | null}`.
///
/// Transactions are the exact COSE_Sign1 bytes of readings, reading batches and account
/// transactions, in execution order. `lastCommit` finalises the block at `height - 1` and is `null`
/// only at height 1.
public struct Block: CanonicalObject {
    public static let objectType = ObjectType.block

    /// The header.
    public let header: BlockHeader
    /// The signed envelopes, as bytes.
    public let transactions: [[UInt8]]
    /// The commit of the previous block.
    public let lastCommit: Commit?

    /// Creates a block; the previous block's commit is required above height 1 and forbidden at 1.
    public init(header: BlockHeader, transactions: [[UInt8]], lastCommit: Commit?) throws(ObjectError) {
        guard transactions.count <= ObjectLimits.maxBlockTransactions else {
            throw ObjectError(.limitExceeded, "a block holds at most \(ObjectLimits.maxBlockTransactions) transactions")
        }
        if let tooLarge = transactions.firstIndex(where: { $0.count > ObjectLimits.maxEnvelopeBytes }) {
            throw ObjectError(.limitExceeded, "block transaction \(tooLarge) exceeds \(ObjectLimits.maxEnvelopeBytes) bytes")
        }
        if let empty = transactions.firstIndex(where: \.isEmpty) {
            throw ObjectError(.limitExceeded, "block transaction \(empty) is empty")
        }
        guard (header.height == 1) == (lastCommit == nil) else {
            throw ObjectError(.invalidValue, "a block carries the previous block's commit exactly when its height is above 1")
        }
        if let lastCommit, lastCommit.height != header.height - 1 || lastCommit.chainID != header.chainID {
            throw ObjectError(.invalidValue, "block.lastCommit is not for height \(header.height - 1) of this chain")
        }
        let size = Self.encodedSize(header: header, transactions: transactions, lastCommit: lastCommit)
        guard size <= ObjectLimits.maxBlockBytes else {
            throw ObjectError(.limitExceeded, "block of \(size) bytes exceeds \(ObjectLimits.maxBlockBytes)")
        }
        self.header = header
        self.transactions = transactions
        self.lastCommit = lastCommit
    }

    /// The length of the block's encoding, computed without encoding the transactions.
    private static func encodedSize(header: BlockHeader, transactions: [[UInt8]], lastCommit: Commit?) -> Int {
        func head(_ n: Int) -> Int {
            switch n {
            case 0..<24: return 1
            case 24...0xff: return 2
            case 0x100...0xffff: return 3
            case 0x1_0000...0xffff_ffff: return 5
            default: return 9
            }
        }
        // Map head, keys 0–3 (one byte each) and the type tag 17 (one byte).
        var size = 1 + 4 + 1
        size += header.encoded.count
        size += head(transactions.count)
        for transaction in transactions { size += head(transaction.count) + transaction.count }
        size += lastCommit?.encoded.count ?? 1
        return size
    }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, header.cborValue)
        entries.put(2, .array(transactions.map(CBORValue.bytes)))
        entries.put(3, lastCommit?.cborValue ?? .null)
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let header = try BlockHeader.decode(try fields.required(1, "header"))
        let items = try fields.list(2, "block.transactions", maxCount: ObjectLimits.maxBlockTransactions)
        var transactions: [[UInt8]] = []
        transactions.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            // Sizes are checked by init, as for a block built in code.
            guard case .bytes(let envelope) = item else {
                throw ObjectError(.malformed, "block.transactions[\(index)]: expected byte string, found \(item.typeName)")
            }
            transactions.append(envelope)
        }
        let commitValue = try fields.required(3, "lastCommit")
        let lastCommit = commitValue == .null ? nil : try Commit.decode(commitValue)
        try self.init(header: header, transactions: transactions, lastCommit: lastCommit)
    }
}
