#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GRDBSQLite
import Synchronization

/// A SQLite VFS over the platform's own that writes a commit's WAL frames in a few large `pwrite`s.
///
/// SQLite writes every frame of a commit as two writes (its header, then its page): a block of a
/// few hundred dirty pages made a validator spend about 9 % of its CPU in those system calls at
/// 3,000 envelopes/s (docs/benchmarks.md, "Round 12"). Here the writes to a WAL file are held in
/// memory (``GatheredWrites``, at most ``capacity`` bytes) and written out as one run before
/// anything that could read or make durable what they hold:
/// - `xSync` (a commit under `synchronous = FULL` syncs the WAL before it publishes the commit in
///   the WAL index), `xRead`, `xTruncate`, `xFileSize`, `xFileControl`, `xClose`, and a write that
///   neither extends nor overwrites what is held;
/// - `xShmBarrier` on the thread that held them: SQLite calls it on the writer's database file
///   between the two copies of the WAL index header it publishes a commit with, so a connection
///   that commits without a sync (`synchronous = NORMAL`) writes its frames out before any reader
///   can see them.
///
/// A write the system refuses while the frames are written out is reported by the next call on
/// that WAL file that returns a code (under `FULL`, the commit's own `xSync`). Every other file and
/// method is passed through. Registered once per process as SQLite's default VFS (GRDB opens
/// connections on the default), before the first store opens.
enum WALGatheringVFS {
    /// The name the VFS is registered under.
    static let name = "fogledger-wal-gathering"
    /// The most bytes of WAL writes held per connection before they are written out.
    static let capacity = 8 << 20
    /// The most bytes given to the wrapped VFS in one write: SQLite's unix VFS writes at most
    /// 128 KiB − 1 bytes a call (it masks larger sizes, and its write then fails as `SQLITE_FULL`).
    static let largestWrite = 124 << 10

    /// Registers the VFS as SQLite's default, once per process (later calls do nothing), and
    /// says whether it is the default. A store without it writes its WAL through the platform's VFS.
    @discardableResult
    static func install() -> Bool {
        guard Installation.shared != nil, let vfs = sqlite3_vfs_find(nil) else { return false }
        return String(cString: vfs.pointee.zName) == name
    }

    /// The writes to WAL files passed on to the wrapped VFS so far in this process.
    static var walWritesPassedOn: Int { GatheringWAL.writesPassedOn.load(ordering: .relaxed) }
}

/// The registered VFS and its file methods; never freed (SQLite keeps the pointers).
private final class Installation: @unchecked Sendable {
    static let shared: Installation? = Installation()

    /// The VFS this one wraps (the default before this one was registered).
    let base: UnsafeMutablePointer<sqlite3_vfs>
    let methods: UnsafeMutablePointer<sqlite3_io_methods>

    private init?() {
        // Registering a VFS initializes SQLite, after which it takes no page cache.
        SQLitePageCacheFilter.install()
        guard sqlite3_initialize() == SQLITE_OK, let base = sqlite3_vfs_find(nil) else { return nil }
        self.base = base
        methods = .allocate(capacity: 1)
        methods.initialize(to: WrappedFile.makeMethods())
        let vfs = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        vfs.initialize(to: base.pointee)
        vfs.pointee.pNext = nil
        vfs.pointee.zName = UnsafePointer(strdup(WALGatheringVFS.name))
        vfs.pointee.szOsFile = Int32(WrappedFile.baseOffset) + base.pointee.szOsFile
        vfs.pointee.xOpen = { _, name, file, flags, outFlags in
            guard let file, let installation = Installation.shared else { return SQLITE_ERROR }
            return WrappedFile.open(file, name: name, flags: flags, outFlags: outFlags, on: installation)
        }
        guard sqlite3_vfs_register(vfs, 1) == SQLITE_OK else { return nil }
    }
}

/// The memory SQLite gives an open file of this VFS: the `sqlite3_file` whose methods are ours,
/// then the ``GatheringWAL`` of a WAL file (or null), then the wrapped VFS's own file.
private enum WrappedFile {
    static let stateOffset = MemoryLayout<sqlite3_file>.stride
    static let baseOffset = stateOffset + MemoryLayout<UnsafeMutableRawPointer?>.stride

    static func base(_ file: UnsafeMutablePointer<sqlite3_file>) -> UnsafeMutablePointer<sqlite3_file> {
        (UnsafeMutableRawPointer(file) + baseOffset).assumingMemoryBound(to: sqlite3_file.self)
    }

    static func baseMethods(_ file: UnsafeMutablePointer<sqlite3_file>) -> sqlite3_io_methods {
        base(file).pointee.pMethods.pointee
    }

    static func wal(_ file: UnsafeMutablePointer<sqlite3_file>) -> GatheringWAL? {
        (UnsafeMutableRawPointer(file) + stateOffset).load(as: UnsafeMutableRawPointer?.self)
            .map { Unmanaged<GatheringWAL>.fromOpaque($0).takeUnretainedValue() }
    }

    private static func setWAL(_ wal: GatheringWAL?, _ file: UnsafeMutablePointer<sqlite3_file>) {
        (UnsafeMutableRawPointer(file) + stateOffset)
            .storeBytes(of: wal.map { Unmanaged.passRetained($0).toOpaque() }, as: UnsafeMutableRawPointer?.self)
    }

    static func open(_ file: UnsafeMutablePointer<sqlite3_file>, name: sqlite3_filename?, flags: Int32,
                     outFlags: UnsafeMutablePointer<Int32>?, on installation: Installation) -> Int32 {
        setWAL(nil, file)
        let real = base(file)
        real.pointee.pMethods = nil
        let code = installation.base.pointee.xOpen!(installation.base, name, real, flags, outFlags)
        // SQLite closes a file whose methods are set even when its open failed.
        guard real.pointee.pMethods != nil else {
            file.pointee.pMethods = nil
            return code
        }
        if flags & SQLITE_OPEN_WAL != 0 { setWAL(GatheringWAL.opened(real), file) }
        file.pointee.pMethods = UnsafePointer(installation.methods)
        return code
    }

    /// `body`'s code, after the WAL's held writes are written out (their failure comes first).
    static func flushing(_ file: UnsafeMutablePointer<sqlite3_file>?,
                         _ body: (sqlite3_io_methods, UnsafeMutablePointer<sqlite3_file>) -> Int32) -> Int32 {
        guard let file else { return SQLITE_MISUSE }
        if let wal = wal(file) {
            let code = wal.flush()
            guard code == SQLITE_OK else { return code }
        }
        return body(baseMethods(file), base(file))
    }

    /// The methods of every file of this VFS.
    static func makeMethods() -> sqlite3_io_methods { sqlite3_io_methods(
        iVersion: 3,
        xClose: { file in
            guard let file else { return SQLITE_MISUSE }
            var code = SQLITE_OK
            if let wal = WrappedFile.wal(file) {
                code = wal.close()
                Unmanaged.passUnretained(wal).release()
                WrappedFile.setWAL(nil, file)
            }
            let closed = WrappedFile.baseMethods(file).xClose!(WrappedFile.base(file))
            return code == SQLITE_OK ? closed : code
        },
        xRead: { file, buffer, count, offset in
            WrappedFile.flushing(file) { $0.xRead!($1, buffer, count, offset) }
        },
        xWrite: { file, buffer, count, offset in
            guard let file else { return SQLITE_MISUSE }
            guard let wal = WrappedFile.wal(file), let buffer else { return WrappedFile.baseMethods(file).xWrite!(WrappedFile.base(file), buffer, count, offset) }
            return wal.write(UnsafeRawBufferPointer(start: buffer, count: Int(count)), at: offset)
        },
        xTruncate: { file, size in WrappedFile.flushing(file) { $0.xTruncate!($1, size) } },
        xSync: { file, flags in WrappedFile.flushing(file) { $0.xSync!($1, flags) } },
        xFileSize: { file, size in WrappedFile.flushing(file) { $0.xFileSize!($1, size) } },
        xLock: { file, lock in WrappedFile.baseMethods(file!).xLock!(WrappedFile.base(file!), lock) },
        xUnlock: { file, lock in WrappedFile.baseMethods(file!).xUnlock!(WrappedFile.base(file!), lock) },
        xCheckReservedLock: { file, out in WrappedFile.baseMethods(file!).xCheckReservedLock!(WrappedFile.base(file!), out) },
        xFileControl: { file, op, argument in WrappedFile.flushing(file) { $0.xFileControl!($1, op, argument) } },
        xSectorSize: { file in WrappedFile.baseMethods(file!).xSectorSize!(WrappedFile.base(file!)) },
        xDeviceCharacteristics: { file in WrappedFile.baseMethods(file!).xDeviceCharacteristics!(WrappedFile.base(file!)) },
        xShmMap: { file, page, size, extend, out in
            guard let map = WrappedFile.baseMethods(file!).xShmMap else { return SQLITE_IOERR }
            return map(WrappedFile.base(file!), page, size, extend, out)
        },
        xShmLock: { file, offset, count, flags in
            guard let lock = WrappedFile.baseMethods(file!).xShmLock else { return SQLITE_IOERR }
            return lock(WrappedFile.base(file!), offset, count, flags)
        },
        xShmBarrier: { file in
            GatheringWAL.flushHeldOnThisThread()
            WrappedFile.baseMethods(file!).xShmBarrier?(WrappedFile.base(file!))
        },
        xShmUnmap: { file, delete in
            guard let unmap = WrappedFile.baseMethods(file!).xShmUnmap else { return SQLITE_OK }
            return unmap(WrappedFile.base(file!), delete)
        },
        xFetch: { file, offset, count, out in
            guard let fetch = WrappedFile.baseMethods(file!).xFetch else {
                out?.pointee = nil
                return SQLITE_OK
            }
            return fetch(WrappedFile.base(file!), offset, count, out)
        },
        xUnfetch: { file, offset, pointer in
            guard let unfetch = WrappedFile.baseMethods(file!).xUnfetch else { return SQLITE_OK }
            return unfetch(WrappedFile.base(file!), offset, pointer)
        })
    }
}

/// One open WAL file's held writes, and every open WAL file of the process (for `xShmBarrier`).
private final class GatheringWAL: @unchecked Sendable {
    private struct State {
        var writes = GatheredWrites(capacity: WALGatheringVFS.capacity)
        /// The thread that last added to `writes`.
        var holder: pthread_t?
        /// A failed write-out not yet reported.
        var failure = SQLITE_OK
    }

    /// The wrapped VFS's file, written only under `state`'s lock.
    private let real: UnsafeMutablePointer<sqlite3_file>
    private let state = Mutex(State())

    private static let openFiles = Mutex<[ObjectIdentifier: GatheringWAL]>([:])
    /// How many open WAL files hold writes: `xShmBarrier`, called at every read transaction's
    /// start, looks no further while it is 0.
    private static let holding = Atomic<Int>(0)
    /// ``WALGatheringVFS/walWritesPassedOn``.
    static let writesPassedOn = Atomic<Int>(0)

    private init(_ real: UnsafeMutablePointer<sqlite3_file>) {
        self.real = real
    }

    static func opened(_ real: UnsafeMutablePointer<sqlite3_file>) -> GatheringWAL {
        let wal = GatheringWAL(real)
        openFiles.withLock { $0[ObjectIdentifier(wal)] = wal }
        return wal
    }

    /// Writes out what this thread holds in any WAL file.
    static func flushHeldOnThisThread() {
        guard holding.load(ordering: .acquiring) > 0 else { return }
        let thread = pthread_self()
        for wal in openFiles.withLock({ Array($0.values) }) { wal.flush(ifHeldBy: thread) }
    }

    /// Holds `source` for `position`, writing out what was held first when it does not join it.
    func write(_ source: UnsafeRawBufferPointer, at position: Int64) -> Int32 {
        state.withLock { state in
            if let failure = Self.takeFailure(&state) { return failure }
            if gather(source, at: position, &state) { return SQLITE_OK }
            let code = writeOut(&state)
            guard code == SQLITE_OK else { return Self.takeFailure(&state) ?? code }
            if gather(source, at: position, &state) { return SQLITE_OK }
            return writeThrough(source, at: position)
        }
    }

    /// Writes out what is held; the code of the first write-out that failed since the last report.
    func flush() -> Int32 {
        state.withLock { state in
            _ = writeOut(&state)
            return Self.takeFailure(&state) ?? SQLITE_OK
        }
    }

    /// Writes out what is held and leaves the set of open WAL files.
    func close() -> Int32 {
        let code = flush()
        _ = Self.openFiles.withLock { $0.removeValue(forKey: ObjectIdentifier(self)) }
        return code
    }

    private func flush(ifHeldBy thread: pthread_t) {
        state.withLock { state in
            guard let holder = state.holder, pthread_equal(holder, thread) != 0 else { return }
            _ = writeOut(&state)
        }
    }

    private func gather(_ source: UnsafeRawBufferPointer, at position: Int64, _ state: inout State) -> Bool {
        let wasEmpty = state.writes.isEmpty
        guard state.writes.gather(source, at: position) else { return false }
        state.holder = pthread_self()
        if wasEmpty { Self.holding.add(1, ordering: .releasing) }
        return true
    }

    /// Writes the held run; a failure is kept for the next report.
    private func writeOut(_ state: inout State) -> Int32 {
        guard !state.writes.isEmpty else { return SQLITE_OK }
        let run = state.writes.take()
        state.holder = nil
        Self.holding.subtract(1, ordering: .releasing)
        let code = run.bytes.withUnsafeBytes { writeThrough($0, at: run.offset) }
        if code != SQLITE_OK, state.failure == SQLITE_OK { state.failure = code }
        return code
    }

    /// Writes `bytes` at `offset` with the wrapped VFS, in as few calls as it takes.
    private func writeThrough(_ bytes: UnsafeRawBufferPointer, at offset: Int64) -> Int32 {
        var start = 0
        repeat {
            let count = min(WALGatheringVFS.largestWrite, bytes.count - start)
            let code = real.pointee.pMethods.pointee.xWrite!(real, bytes.baseAddress.map { $0 + start }, Int32(count),
                                                             offset + Int64(start))
            Self.writesPassedOn.add(1, ordering: .relaxed)
            guard code == SQLITE_OK else { return code }
            start += count
        } while start < bytes.count
        return SQLITE_OK
    }

    private static func takeFailure(_ state: inout State) -> Int32? {
        guard state.failure != SQLITE_OK else { return nil }
        defer { state.failure = SQLITE_OK }
        return state.failure
    }
}
