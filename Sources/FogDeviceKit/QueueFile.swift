#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import FogCrypto
public import FogDevice
public import FogTypes

/// What a queue file holds when opened: everything the device signed or recorded and the ledger has
/// not yet committed, in sequence order.
public struct RecoveredQueue: Sendable {
    /// Readings recorded but not yet sealed into an envelope.
    public var openReadings: [Reading] = []
    /// Signed envelopes not yet committed, in sequence order.
    public var envelopes: [OutboundEnvelope] = []
    /// The highest sequence number ever handed out (0 for none).
    public var highestSequence: UInt64 = 0
    /// Bytes dropped from a torn or damaged tail.
    public var discardedBytes = 0

    /// An empty queue.
    public init() {}
}

/// `open(2)`, outside `QueueFile` whose own `open` would shadow it.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    open(path, flags, mode)
}

/// The device's persistent outbound log (spec/device-sdk.md): an append-only file of checksummed
/// records, each fsynced before the call returns, so whatever was recorded survives a crash or a
/// power cut. A torn tail (a crash mid-write) is detected by length and CRC-32 and cut off on open.
/// The file is rewritten with only the live records (then renamed over the old one, and the folder
/// fsynced) when it opens and whenever committed records outweigh live ones.
public final class QueueFile {
    /// Record kinds.
    enum Kind: UInt8 {
        case reading = 1
        case envelope = 2
        case done = 3
        case sequenceFloor = 4
    }

    /// The file's first bytes: "FOGQ", version 1, three zero bytes.
    static let header: [UInt8] = [0x46, 0x4F, 0x47, 0x51, 1, 0, 0, 0]
    /// Largest record body: a whole envelope.
    public static let maxRecordBytes = ObjectLimits.maxEnvelopeBytes
    /// Rewrite once the file is this large and mostly committed records.
    static let compactionThreshold = 1 << 20

    /// The file's path.
    public let path: String
    private var descriptor: Int32
    private var size = 0
    private var liveBytes = 0

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Opens (or creates) `directory/queue.log`, recovers its contents and compacts it.
    public static func open(directory: String) throws(DeviceError) -> (QueueFile, RecoveredQueue) {
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw DeviceError("io-error", "cannot create \(directory): \(systemError())")
        }
        let path = directory + "/queue.log"
        let bytes = try readAll(path)
        let recovered = try recover(bytes)
        try rewrite(path: path, directory: directory, recovered)
        let descriptor = systemOpen(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { throw DeviceError("io-error", "cannot open \(path): \(systemError())") }
        let file = QueueFile(path: path, descriptor: descriptor)
        file.size = Int(lseek(descriptor, 0, SEEK_END))
        file.liveBytes = file.size
        return (file, recovered)
    }

    /// Records a reading before it is batched.
    public func append(reading: Reading) throws(DeviceError) {
        try append(.reading, reading.encoded)
    }

    /// Records a signed envelope (which supersedes the readings it carries).
    public func append(envelope: OutboundEnvelope) throws(DeviceError) {
        try append(.envelope, envelope.bytes)
    }

    /// Records that the ledger holds an envelope (committed, or already recorded). Not fsynced: a
    /// done record lost in a crash only makes the envelope go again, which the ledger answers with
    /// `already-committed` (already recorded); the next fsynced record makes it durable too.
    public func append(done id: Hash256) throws(DeviceError) {
        try append(.done, id.bytes, live: false, sync: false)
    }

    /// Whether committed records now outweigh live ones in a large file.
    public var wantsCompaction: Bool {
        size > Self.compactionThreshold && liveBytes * 2 < size
    }

    /// Rewrites the file with `state`'s live records only.
    public func compact(_ state: RecoveredQueue) throws(DeviceError) {
        let directory = String(path.dropLast("/queue.log".count))
        try Self.rewrite(path: path, directory: directory, state)
        let fresh = systemOpen(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fresh >= 0 else { throw DeviceError("io-error", "cannot reopen \(path): \(Self.systemError())") }
        close(descriptor)
        descriptor = fresh
        size = Int(lseek(descriptor, 0, SEEK_END))
        liveBytes = size
    }

    private func append(_ kind: Kind, _ body: [UInt8], live: Bool = true, sync: Bool = true) throws(DeviceError) {
        let record = Self.record(kind, body)
        try Self.writeAll(descriptor, record, path)
        guard !sync || fsync(descriptor) == 0 else { throw DeviceError("io-error", "fsync \(path): \(Self.systemError())") }
        size += record.count
        if live { liveBytes += record.count }
    }

    // MARK: - Format

    static func record(_ kind: Kind, _ body: [UInt8]) -> [UInt8] {
        var record: [UInt8] = [kind.rawValue]
        let length = UInt32(body.count)
        record += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        record += body
        let crc = CRC32.checksum(record)
        record += [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
        return record
    }

    /// Replays a file's bytes; the first incomplete or damaged record and everything after it are
    /// a torn tail.
    static func recover(_ bytes: [UInt8]) throws(DeviceError) -> RecoveredQueue {
        var state = RecoveredQueue()
        guard !bytes.isEmpty else { return state }
        guard bytes.count >= header.count, Array(bytes[0..<4]) == Array(header[0..<4]) else {
            throw DeviceError("invalid-queue", "not a FogLedger device queue file")
        }
        guard bytes[4] == header[4] else {
            throw DeviceError("invalid-queue", "queue file version \(bytes[4]); this build reads version \(header[4])")
        }
        var offset = header.count
        var done = Set<Hash256>()
        var readings: [Reading] = []
        var envelopes: [OutboundEnvelope] = []
        while offset < bytes.count {
            guard bytes.count - offset >= 9 else { break }
            let length = Int(bytes[offset + 1]) << 24 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 8
                | Int(bytes[offset + 4])
            guard let kind = Kind(rawValue: bytes[offset]), length <= maxRecordBytes,
                  bytes.count - offset - 9 >= length
            else { break }
            let end = offset + 5 + length
            let stored = UInt32(bytes[end]) << 24 | UInt32(bytes[end + 1]) << 16 | UInt32(bytes[end + 2]) << 8
                | UInt32(bytes[end + 3])
            guard CRC32.checksum(bytes[offset..<end]) == stored else { break }
            let body = Array(bytes[(offset + 5)..<end])
            switch kind {
            case .reading:
                guard let reading = try? Reading.decode(body) else { throw damaged(offset) }
                readings.append(reading)
                state.highestSequence = max(state.highestSequence, reading.sequence)
            case .envelope:
                guard let envelope = try? OutboundEnvelope(decoding: body) else { throw damaged(offset) }
                envelopes.append(envelope)
                state.highestSequence = max(state.highestSequence, envelope.sequences.upperBound)
            case .done:
                guard let id = Hash256(bytes: body) else { throw damaged(offset) }
                done.insert(id)
            case .sequenceFloor:
                guard body.count == 8 else { throw damaged(offset) }
                state.highestSequence = max(state.highestSequence, body.reduce(0) { $0 << 8 | UInt64($1) })
            }
            offset = end + 4
        }
        state.discardedBytes = bytes.count - offset
        state.envelopes = envelopes.filter { !done.contains($0.transactionID) }
        let sealedUpTo = envelopes.map(\.sequences.upperBound).max() ?? 0
        state.openReadings = readings.filter { $0.sequence > sealedUpTo }
        return state
    }

    /// A record whose checksum holds but whose body does not decode: written by something else.
    private static func damaged(_ offset: Int) -> DeviceError {
        DeviceError("invalid-queue", "the queue file's record at byte \(offset) has a valid checksum but does not decode")
    }

    private static func rewrite(path: String, directory: String, _ state: RecoveredQueue) throws(DeviceError) {
        var bytes = header
        var floor: [UInt8] = []
        for shift in stride(from: 56, through: 0, by: -8) { floor.append(UInt8(state.highestSequence >> UInt64(shift) & 0xFF)) }
        bytes += record(.sequenceFloor, floor)
        for envelope in state.envelopes { bytes += record(.envelope, envelope.bytes) }
        for reading in state.openReadings { bytes += record(.reading, reading.encoded) }
        let temporary = path + ".tmp"
        let descriptor = systemOpen(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DeviceError("io-error", "cannot create \(temporary): \(systemError())") }
        do throws(DeviceError) {
            try writeAll(descriptor, bytes, temporary)
        } catch {
            close(descriptor)
            throw error
        }
        guard fsync(descriptor) == 0 else {
            close(descriptor)
            throw DeviceError("io-error", "fsync \(temporary): \(systemError())")
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else { throw DeviceError("io-error", "rename \(temporary): \(systemError())") }
        let folder = systemOpen(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
    }

    private static func readAll(_ path: String) throws(DeviceError) -> [UInt8] {
        let descriptor = systemOpen(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return [] }
            throw DeviceError("io-error", "cannot open \(path): \(systemError())")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw DeviceError("io-error", "cannot read \(path): \(systemError())")
            }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], _ path: String) throws(DeviceError) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw DeviceError("io-error", "cannot write \(path): \(systemError())")
            }
            written += count
        }
    }

    private static func systemError() -> String {
        String(cString: strerror(errno))
    }
}
