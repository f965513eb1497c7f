import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Watches the block device that holds a folder, every ``interval``, on a thread of its own, and
/// reports what it did (``DeviceActivity``) when stopped. Linux only: elsewhere, or where the
/// folder's file system has no block device of its own in `/sys/dev/block` (tmpfs, overlay), it
/// observes nothing and reports zero seconds.
final class BenchDeviceMonitor: Sendable {
    /// How often the device's counters are read.
    static let interval: Duration = .milliseconds(10)

    /// `/sys/dev/block/MAJ:MIN` of the device, when it has one.
    let sysfsFolder: String?
    private let stopped = Atomic<Bool>(false)
    private let result = Mutex<DeviceActivity?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts watching the device that holds `folder`.
    init(folder: String) {
        sysfsFolder = Self.sysfsFolder(holding: folder)
        guard let sysfsFolder else {
            result.withLock { $0 = DeviceActivity() }
            finished.signal()
            return
        }
        // The first reading is taken now, so that everything after the monitor's creation counts
        // however late its thread starts.
        let first = Self.sample(sysfsFolder)
        let thread = Thread { [self] in watch(sysfsFolder, from: first) }
        thread.name = "bench-device-monitor"
        thread.start()
    }

    /// Stops watching and returns what the device did meanwhile (call once).
    func stop() -> DeviceActivity {
        stopped.store(true, ordering: .releasing)
        finished.wait()
        return result.withLock { $0 } ?? DeviceActivity()
    }

    private func watch(_ folder: String, from first: DeviceSample?) {
        var tracker = DeviceStallTracker()
        if let first { tracker.add(first) }
        let pause = UInt32(Self.interval.components.attoseconds / 1_000_000_000_000)
        while !stopped.load(ordering: .acquiring) {
            if let sample = Self.sample(folder) { tracker.add(sample) }
            usleep(pause)
        }
        // A last reading after the stop was asked for, however rarely the thread ran before it.
        if let last = Self.sample(folder) { tracker.add(last) }
        let activity = tracker.finish()
        result.withLock { $0 = activity }
        finished.signal()
    }

    /// The device's counters now, or `nil` when they cannot be read.
    private static func sample(_ folder: String) -> DeviceSample? {
        guard let stat = smallFile("\(folder)/stat"), let inflight = smallFile("\(folder)/inflight") else { return nil }
        return DeviceSample.parse(stat: stat, inflight: inflight, nanos: DispatchTime.now().uptimeNanoseconds)
    }

    /// A sysfs file's text (at most 512 bytes), read with one system call.
    private static func smallFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 512)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return String(decoding: bytes[0..<count], as: UTF8.self)
    }

    /// `/sys/dev/block/MAJ:MIN` of the device `folder` is on, when the kernel lists it there.
    private static func sysfsFolder(holding folder: String) -> String? {
        #if os(Linux)
        var status = stat()
        guard stat(folder, &status) == 0 else { return nil }
        let device = UInt64(status.st_dev)
        // glibc's encoding of dev_t (gnu_dev_major / gnu_dev_minor).
        let major = ((device >> 8) & 0xfff) | ((device >> 32) & ~UInt64(0xfff))
        let minor = (device & 0xff) | ((device >> 12) & ~UInt64(0xff))
        let path = "/sys/dev/block/\(major):\(minor)"
        guard major != 0, access("\(path)/stat", R_OK) == 0, access("\(path)/inflight", R_OK) == 0 else { return nil }
        return path
        #else
        return nil
        #endif
    }
}
