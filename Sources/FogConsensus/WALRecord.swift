import FogCore
import FogCrypto
public import FogTypes

/// One record of the consensus write-ahead log (spec/consensus.md §WAL):
/// - `{0: 40, 1: height}` — the validator started `height`;
/// - `{0: 41, 1: 1 | 2, 2: envelope bstr}` — it signed a proposal (1) or a vote (2), recorded
///   before the message is sent;
/// - `{0: 41, 1: 3, 2: block bstr}` — the block it locked on, recorded before its precommit.
public enum WALRecord: Hashable, Sendable {
    /// A height started.
    case heightStarted(UInt64)
    /// A message this validator signed.
    case signed(OwnMessage)

    /// The type tag of wal-height-started, from the range reserved for the consensus WAL (40–43;
    /// spec/encoding.md §2.2). WAL records are local to a validator, never objects of the ledger.
    public static let heightStartedTag: UInt64 = 40
    /// The type tag of wal-signed-message.
    public static let signedMessageTag: UInt64 = 41

    private static let proposalKind: UInt64 = 1
    private static let voteKind: UInt64 = 2
    private static let lockedBlockKind: UInt64 = 3

    /// The canonical CBOR encoding.
    public var encoded: [UInt8] {
        switch self {
        case .heightStarted(let height):
            return CBORValue.map([
                CBORMapEntry(.unsigned(0), .unsigned(Self.heightStartedTag)),
                CBORMapEntry(.unsigned(1), .unsigned(height)),
            ]).encoded
        case .signed(let message):
            let (kind, bytes): (UInt64, [UInt8])
            switch message {
            case .proposal(let signed): (kind, bytes) = (Self.proposalKind, signed.bytes)
            case .vote(let signed): (kind, bytes) = (Self.voteKind, signed.bytes)
            case .lockedBlock(let block): (kind, bytes) = (Self.lockedBlockKind, block.encoded)
            }
            return CBORValue.map([
                CBORMapEntry(.unsigned(0), .unsigned(Self.signedMessageTag)),
                CBORMapEntry(.unsigned(1), .unsigned(kind)),
                CBORMapEntry(.unsigned(2), .bytes(bytes)),
            ]).encoded
        }
    }

    /// Decodes a record strictly: canonical CBOR, a known tag, exactly its fields, and a signed
    /// message for `chain` (its signature is not checked: the validator wrote it itself).
    public init(decoding bytes: [UInt8], chain: ChainID) throws(ObjectError) {
        guard bytes.count <= WALLimits.maxRecordBytes else {
            throw ObjectError(.limitExceeded, "WAL record of \(bytes.count) bytes exceeds \(WALLimits.maxRecordBytes)")
        }
        do {
            // A locked block's bytes are one byte string of up to the block limit.
            let limits = CBORLimits(maxInputBytes: WALLimits.maxRecordBytes, maxDepth: CBORLimits.default.maxDepth,
                                    maxCollectionCount: CBORLimits.default.maxCollectionCount,
                                    maxStringBytes: ObjectLimits.maxBlockBytes)
            var fields = try CBORFields(try CBORReader.decode(bytes, limits: limits), object: "wal-record")
            let tag = try fields.uint(0, "type")
            switch tag {
            case Self.heightStartedTag:
                let height = try fields.uint(1, "height")
                try fields.finish()
                self = .heightStarted(height)
            case Self.signedMessageTag:
                let kind = try fields.uint(1, "kind")
                let maxBytes = kind == Self.lockedBlockKind ? ObjectLimits.maxBlockBytes : ObjectLimits.maxEnvelopeBytes
                let envelope = try fields.bytes(2, "envelope", length: 1...maxBytes)
                try fields.finish()
                switch kind {
                case Self.proposalKind:
                    self = .signed(.proposal(try Signed<Proposal>(decoding: envelope, chain: chain)))
                case Self.voteKind:
                    self = .signed(.vote(try Signed<Vote>(decoding: envelope, chain: chain)))
                case Self.lockedBlockKind:
                    let block = try Block.decode(envelope)
                    guard block.header.chainID == chain else {
                        throw ObjectError(.wrongChain, "wal-record: locked block of chain \"\(block.header.chainID)\"")
                    }
                    self = .signed(.lockedBlock(block))
                default:
                    throw ObjectError(.invalidValue, "wal-record.kind: \(kind) is not proposal (1), vote (2) or locked block (3)")
                }
            default:
                throw ObjectError(.wrongObjectType, "wal-record: tag \(tag) is not a WAL record (40, 41)")
            }
            guard encoded == bytes else { throw ObjectError(.malformed, "wal-record: not the canonical encoding") }
        } catch let error as ObjectError {
            throw error
        } catch let error as CBORError {
            throw ObjectError(error)
        } catch {
            throw ObjectError(.malformed, "\(error)")
        }
    }
}

/// Bounds of the WAL.
public enum WALLimits {
    /// The largest record: a locked block and a few bytes of framing.
    public static let maxRecordBytes = ObjectLimits.maxBlockBytes + 64
    /// Bytes before each record: its length (4, big-endian) and the first 4 bytes of its SHA-256.
    public static let frameHeaderBytes = 8
}

/// The WAL's byte format and replay, without IO: a file adapter appends ``frame(_:)`` and reads
/// back with ``read(_:chain:)``.
public enum ConsensusWAL {
    /// A record with its frame: length, checksum, record.
    public static func frame(_ record: WALRecord) -> [UInt8] {
        let body = record.encoded
        let length = UInt32(body.count)
        var bytes: [UInt8] = [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff),
                              UInt8(length & 0xff)]
        bytes += SHA256Hasher.hash(body).bytes.prefix(4)
        bytes += body
        return bytes
    }

    /// Written after each record and overwritten by the next: a frame header of length 0 and
    /// checksum 0, which no record has (the empty body's checksum is not 0). A file written again
    /// from its beginning holds older records after the newer ones; the marker ends the log there.
    public static let endMarker = [UInt8](repeating: 0, count: WALLimits.frameHeaderBytes)

    /// What a log holds.
    public struct Contents: Sendable {
        /// The records, in order.
        public let records: [WALRecord]
        /// The length of the intact prefix: where the next record goes.
        public let validLength: Int
        /// Whether the bytes after the intact prefix are nothing or start with ``endMarker``;
        /// otherwise they start with a torn or corrupt record.
        public let endsCleanly: Bool
    }

    /// Reads framed records up to ``endMarker``, the end of the bytes, or the first incomplete,
    /// over-long, mis-checksummed or undecodable record: a crash in the middle of an append leaves
    /// such a tail, which is not part of the log.
    public static func read(_ bytes: [UInt8], chain: ChainID) -> Contents {
        var records: [WALRecord] = []
        var offset = 0
        while bytes.count - offset >= WALLimits.frameHeaderBytes {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let start = offset + WALLimits.frameHeaderBytes
            guard length <= WALLimits.maxRecordBytes, bytes.count - start >= length else { break }
            let body = Array(bytes[start..<start + length])
            guard SHA256Hasher.hash(body).bytes.prefix(4).elementsEqual(bytes[offset + 4..<start]),
                  let record = try? WALRecord(decoding: body, chain: chain)
            else { break }
            records.append(record)
            offset = start + length
        }
        let tail = bytes[offset...]
        let endsCleanly = tail.isEmpty || tail.starts(with: endMarker)
        return Contents(records: records, validLength: offset, endsCleanly: endsCleanly)
    }

    /// The messages signed at `height`, for ``HeightStart/signedBefore``.
    public static func ownMessages(height: UInt64, in records: [WALRecord]) -> [OwnMessage] {
        records.compactMap { record in
            if case .signed(let message) = record, message.height == height { return message }
            return nil
        }
    }
}
