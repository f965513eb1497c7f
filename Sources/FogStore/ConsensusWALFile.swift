public import FogConsensus
public import FogTypes
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A WAL file could not be opened, read or written.
public struct WALFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What failed, with the system error.
    public let message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The consensus WAL on disk: framed records (``ConsensusWAL/frame(_:)``), each followed by
/// ``ConsensusWAL/endMarker`` (which the next record overwrites), in one file that is synced
/// (`fdatasync`) before ``append(_:)`` returns, so that a vote is durable before it is sent.
///
/// The file is never truncated or emptied: once it holds more than ``rewindsAboveBytes``, the next
/// height's records are written again from its beginning, over blocks the file already has. An
/// append then changes no file metadata, so its sync writes the record's pages and nothing else;
/// growing, emptying and re-growing the file made every sync write the inode and allocation
/// bitmaps too, and on file systems mounted with `discard` each emptying waited for the device to
/// discard the freed blocks — all on the path between signing a vote and sending it.
///
/// Opening reads every intact record up to the end marker; a torn record after them (an append a
/// crash interrupted) is ignored and overwritten by the next append. Older records that a rewound
/// file still holds after the marker are never read: were the marker itself lost in a crash, they
/// are records of earlier heights (which replay ignores) or the current height's messages (which
/// are written again after its start).
public final class ConsensusWALFile {
    /// The records read when the file was opened.
    public let recovered: [WALRecord]
    /// Whether the file, when opened, held a torn or corrupt record after its intact ones.
    public let hadTornTail: Bool
    /// A height's start writes the file again from its beginning once more than this many bytes
    /// precede the next record.
    public let rewindsAboveBytes: Int
    /// The default of ``rewindsAboveBytes``: 1 MiB, a few heights of records under load.
    public static let defaultRewindsAboveBytes = 1024 * 1024
    private let descriptor: Int32
    private let path: String
    /// Where the next record goes.
    private var position: Int

    /// Opens (or creates) the WAL at `path` for `chain`, recovering its records. A height's start
    /// writes the file again from its beginning once more than `rewindsAboveBytes` precede it.
    public init(path: String, chain: ChainID,
                rewindsAboveBytes: Int = ConsensusWALFile.defaultRewindsAboveBytes) throws(WALFileError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WALFileError("cannot open WAL \(path): errno \(errno)") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                close(fd)
                throw WALFileError("cannot read WAL \(path): errno \(errno)")
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        let contents = ConsensusWAL.read(bytes, chain: chain)
        self.descriptor = fd
        self.path = path
        self.position = contents.validLength
        self.rewindsAboveBytes = max(0, rewindsAboveBytes)
        self.recovered = contents.records
        self.hadTornTail = !contents.endsCleanly
    }

    deinit { close(descriptor) }

    /// Appends `record` and syncs it to disk.
    public func append(_ record: WALRecord) throws(WALFileError) {
        try appendUnsynced(record)
        try sync()
    }

    /// Appends `record` without syncing: it is durable after the next ``append(_:)`` or ``sync()``.
    /// Lets records written back to back, before anything is sent, share one sync.
    public func appendUnsynced(_ record: WALRecord) throws(WALFileError) {
        try writeFrame(of: record)
    }

    /// Syncs every record written so far to disk.
    public func sync() throws(WALFileError) {
        guard fdatasync(descriptor) == 0 else { throw WALFileError("cannot sync WAL \(path): errno \(errno)") }
    }

    /// Starts a height with `record` once everything before it is no longer needed: the record
    /// goes to the file's beginning when more than ``rewindsAboveBytes`` precede it, and is written
    /// without a sync of its own. A `wal-height-started` record protects nothing that was sent, and
    /// the next ``append(_:)`` syncs the file with it; a crash before then leaves the earlier
    /// heights' records (which a later height ignores: replay takes the messages of the height it
    /// starts), a torn record, or the new record followed by older ones of earlier heights.
    public func restart(with record: WALRecord) throws(WALFileError) {
        if position > rewindsAboveBytes { position = 0 }
        try writeFrame(of: record)
    }

    /// Writes `record`'s frame and the end marker at ``position``, and moves past the frame.
    private func writeFrame(of record: WALRecord) throws(WALFileError) {
        let bytes = ConsensusWAL.frame(record) + ConsensusWAL.endMarker
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes {
                pwrite(descriptor, $0.baseAddress! + written, bytes.count - written, off_t(position + written))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw WALFileError("cannot append to WAL \(path): errno \(errno)")
            }
            written += count
        }
        position += bytes.count - ConsensusWAL.endMarker.count
    }
}
