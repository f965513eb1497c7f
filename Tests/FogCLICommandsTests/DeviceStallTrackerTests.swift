import Foundation
import Testing

@testable import FogCLICommands

@Suite struct DeviceStallTrackerTests {
    private static let millis: UInt64 = 1_000_000

    /// A reading at `ms` with `completed` requests done so far and `inFlight` pending.
    private static func sample(_ ms: UInt64, completed: UInt64, inFlight: UInt64, sectors: UInt64 = 0,
                               flushes: UInt64 = 0) -> DeviceSample {
        DeviceSample(nanos: ms * millis, completed: completed, inFlight: inFlight, sectorsWritten: sectors, flushes: flushes)
    }

    @Test func parsesTheKernelsStatAndInflightFiles() throws {
        // Linux 5.5+: 17 fields (reads, writes, discards, flushes), right-aligned as sysfs prints them.
        let stat = "  186542    12048  9125446   105320 23908841  7401289 1093521874 19866213        3 12051332 21003561    33716        0 47366208     5301  2297541   1030045\n"
        let sample = try #require(DeviceSample.parse(stat: stat, inflight: "       0        3\n", nanos: 7))
        #expect(sample == DeviceSample(nanos: 7, completed: 186_542 + 23_908_841 + 33_716 + 2_297_541, inFlight: 3,
                                       sectorsWritten: 1_093_521_874, flushes: 2_297_541))
        // Older kernels: 11 fields, no discards or flushes.
        let old = try #require(DeviceSample.parse(stat: "1 2 3 4 5 6 7 8 9 10 11", inflight: "1 1", nanos: 0))
        #expect(old.completed == 6 && old.inFlight == 2 && old.sectorsWritten == 7 && old.flushes == 0)
    }

    @Test func refusesFilesOfAnotherForm() {
        #expect(DeviceSample.parse(stat: "1 2 3", inflight: "0 0", nanos: 0) == nil)
        #expect(DeviceSample.parse(stat: "1 2 3 4 5 6 7 8 9 10 x", inflight: "0 0", nanos: 0) == nil)
        #expect(DeviceSample.parse(stat: "1 2 3 4 5 6 7 8 9 10 11", inflight: "0", nanos: 0) == nil)
        #expect(DeviceSample.parse(stat: "", inflight: "", nanos: 0) == nil)
    }

    @Test func aDeviceThatKeepsCompletingNeverStalls() {
        var tracker = DeviceStallTracker()
        for step in UInt64(0)..<100 { tracker.add(Self.sample(step * 10, completed: step, inFlight: 4)) }
        let activity = tracker.finish()
        #expect(activity.longStalls == 0 && activity.longestStallMillis == 0)
        #expect(abs(activity.seconds - 0.99) < 1e-9)
    }

    @Test func anIdleDeviceIsNotStalled() {
        var tracker = DeviceStallTracker()
        for step in UInt64(0)..<100 { tracker.add(Self.sample(step * 10, completed: 5, inFlight: 0)) }
        #expect(tracker.finish().longStalls == 0)
    }

    @Test func requestsHeldWithoutCompletionAreAStallFromTheLastProgress() {
        var tracker = DeviceStallTracker()
        tracker.add(Self.sample(0, completed: 1, inFlight: 2))
        tracker.add(Self.sample(10, completed: 2, inFlight: 3))   // progress; the stall counts from here
        for ms in stride(from: UInt64(20), through: 120, by: 10) { tracker.add(Self.sample(ms, completed: 2, inFlight: 3)) }
        tracker.add(Self.sample(130, completed: 5, inFlight: 0))  // the held requests complete
        // A short one: 40 ms without completion is not counted.
        tracker.add(Self.sample(140, completed: 5, inFlight: 1))
        tracker.add(Self.sample(150, completed: 5, inFlight: 1))
        tracker.add(Self.sample(170, completed: 5, inFlight: 1))
        tracker.add(Self.sample(180, completed: 6, inFlight: 0))
        let activity = tracker.finish()
        #expect(activity.longStalls == 1)
        #expect(activity.longestStallMillis == 120)
        #expect(activity.longStallMillisTotal == 120)
    }

    @Test func aStallStillRunningAtTheEndCountsUpToTheLastReading() {
        var tracker = DeviceStallTracker()
        tracker.add(Self.sample(0, completed: 1, inFlight: 1, sectors: 100, flushes: 10))
        tracker.add(Self.sample(10, completed: 1, inFlight: 1, sectors: 108, flushes: 12))
        tracker.add(Self.sample(90, completed: 1, inFlight: 1, sectors: 108, flushes: 12))
        let activity = tracker.finish()
        #expect(activity.longStalls == 1 && activity.longestStallMillis == 90)
        #expect(activity.bytesWritten == 8 * 512 && activity.flushes == 2)
    }

    /// The monitor on this machine's own disk: a synced write shows in its counters. Skipped where
    /// the temporary folder has no block device of its own (tmpfs, overlay) or off Linux.
    @Test func theMonitorSeesASyncedWriteOnTheTemporaryFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("device-monitor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let monitor = BenchDeviceMonitor(folder: folder.path)
        guard monitor.sysfsFolder != nil else {
            _ = monitor.stop()
            print("skipped: \(folder.path) has no block device in /sys/dev/block")
            return
        }
        let file = folder.appendingPathComponent("data")
        try Data(repeating: 0xA5, count: 1 << 20).write(to: file)
        let handle = try FileHandle(forWritingTo: file)
        try handle.synchronize()
        try handle.close()
        Thread.sleep(forTimeInterval: 0.05)
        let activity = monitor.stop()
        #expect(activity.seconds > 0.02)
        #expect(activity.bytesWritten >= 1 << 20)
    }
}
