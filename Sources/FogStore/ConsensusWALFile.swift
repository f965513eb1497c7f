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

/// The consensus WAL on disk: framed records (``ConsensusWAL/frame(_:)``) appended to one file,
/// each fsynced before ``append(_:)`` returns, so that a vote is durable before it is sent.
///
/// Opening reads every intact record and cuts off a torn tail — the partial record of an append
/// that a crash interrupted — so that later appends follow the last intact record.
public final class ConsensusWALFile {
    /// The records read when the file was opened.
    public let recovered: [WALRecord]
    /// Bytes of the torn tail cut off when the file was opened (0 for a clean file).
    public let truncatedBytes: Int
    /// A height's start empties the file only once it holds more than this many bytes.
    public let emptiesAboveBytes: Int
    /// The default of ``emptiesAboveBytes``: 1 MiB, a few heights of records under load.
    public static let defaultEmptiesAboveBytes = 1024 * 1024
    private let descriptor: Int32
    private let path: String
    /// The bytes in the file (where the next record goes).
    private var size: Int

    /// Opens (or creates) the WAL at `path` for `chain`, recovering its records. A height's start
    /// empties the file once it holds more than `emptiesAboveBytes`.
    public init(path: String, chain: ChainID,
                emptiesAboveBytes: Int = ConsensusWALFile.defaultEmptiesAboveBytes) throws(WALFileError) {
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
        if contents.validLength < bytes.count {
            guard ftruncate(fd, off_t(contents.validLength)) == 0, fsync(fd) == 0 else {
                close(fd)
                throw WALFileError("cannot cut the torn tail of WAL \(path): errno \(errno)")
            }
        }
        guard lseek(fd, off_t(contents.validLength), SEEK_SET) >= 0 else {
            close(fd)
            throw WALFileError("cannot seek in WAL \(path): errno \(errno)")
        }
        self.descriptor = fd
        self.path = path
        self.size = contents.validLength
        self.emptiesAboveBytes = max(0, emptiesAboveBytes)
        self.recovered = contents.records
        self.truncatedBytes = bytes.count - contents.validLength
    }

    deinit { close(descriptor) }

    /// Appends `record` and syncs it to disk.
    public func append(_ record: WALRecord) throws(WALFileError) {
        try appendUnsynced(record)
        try sync()
    }

    /// Appends `record` without syncing: it is durable after the next ``append(_:)`` or ``sync()``.
    /// Lets records written back to back, before anything is sent, share one fsync.
    public func appendUnsynced(_ record: WALRecord) throws(WALFileError) {
        try writeFrame(of: record)
    }

    /// Syncs every record written so far to disk.
    public func sync() throws(WALFileError) {
        guard fsync(descriptor) == 0 else { throw WALFileError("cannot sync WAL \(path): errno \(errno)") }
    }

    /// Starts a height with `record` once everything before it is no longer needed: the file is
    /// emptied first when it holds more than ``emptiesAboveBytes`` (emptying a file costs the
    /// file system more than appending to it), and `record` is written without a sync of its own.
    /// A `wal-height-started` record protects nothing that was sent, and the next ``append(_:)``
    /// syncs the file with it; a crash before then leaves the earlier heights' records (which a
    /// later height ignores: replay takes the messages of the height it starts), none, or a torn
    /// tail (cut off when the file is opened).
    public func restart(with record: WALRecord) throws(WALFileError) {
        if size > emptiesAboveBytes {
            guard ftruncate(descriptor, 0) == 0, lseek(descriptor, 0, SEEK_SET) >= 0 else {
                throw WALFileError("cannot empty WAL \(path): errno \(errno)")
            }
            size = 0
        }
        try writeFrame(of: record)
    }

    private func writeFrame(of record: WALRecord) throws(WALFileError) {
        let frame = ConsensusWAL.frame(record)
        var written = 0
        while written < frame.count {
            let count = frame.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, frame.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw WALFileError("cannot append to WAL \(path): errno \(errno)")
            }
            written += count
        }
        size += frame.count
    }
}
