import FogDevice
import FogDeviceKit
import Foundation
import Synchronization

/// The fleet's counters and record-to-commit latencies, fed by every device's events.
final class SimulationStats: Sendable {
    /// A moment's view of the counters.
    struct Snapshot: Sendable {
        var recorded = 0
        var accepted = 0
        var committed = 0
        var alreadyRecorded = 0
        var rejected = 0
        var seconds = 0.0
        var commitRate = 0.0
        var p50Millis: Double?
        var p99Millis: Double?
        var firstRefusal: (code: String, message: String)?
    }

    /// Most latency samples kept (the latest ones).
    static let maxSamples = 20_000

    private struct State {
        var snapshot = Snapshot()
        var recordedAt: [Int: [UInt64: ContinuousClock.Instant]] = [:]
        var samples: [Double] = []
        var nextSample = 0
        var lastCommitted = 0
        var lastTime: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    func recorded(device: Int, sequence: UInt64) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.snapshot.recorded += 1
            state.recordedAt[device, default: [:]][sequence] = now
        }
    }

    /// A reading the device's queue refused (full) or could not build.
    func refused(_ error: DeviceError) {
        state.withLock { state in
            state.snapshot.rejected += 1
            if state.snapshot.firstRefusal == nil { state.snapshot.firstRefusal = (error.code, error.message) }
        }
    }

    /// Counts device `device`'s events until its stream ends.
    func follow(_ events: AsyncStream<DeviceEvent>, device: Int) async {
        for await event in events {
            let now = ContinuousClock.now
            state.withLock { state in
                switch event {
                case .accepted(let envelope):
                    state.snapshot.accepted += envelope.readingCount
                case .committed(let envelope, _), .alreadyRecorded(let envelope):
                    if case .committed = event {
                        state.snapshot.committed += envelope.readingCount
                    } else {
                        state.snapshot.alreadyRecorded += envelope.readingCount
                    }
                    for sequence in envelope.sequences {
                        guard let at = state.recordedAt[device]?.removeValue(forKey: sequence) else { continue }
                        let millis = (now - at).inSeconds * 1_000
                        if state.samples.count < Self.maxSamples {
                            state.samples.append(millis)
                        } else {
                            state.samples[state.nextSample] = millis
                            state.nextSample = (state.nextSample + 1) % Self.maxSamples
                        }
                    }
                case .rejected(let envelope, let code, let message):
                    state.snapshot.rejected += envelope?.readingCount ?? 1
                    if state.snapshot.firstRefusal == nil { state.snapshot.firstRefusal = (code, message) }
                    for sequence in envelope?.sequences ?? 0...0 { state.recordedAt[device]?.removeValue(forKey: sequence) }
                case .retrying:
                    break
                }
            }
        }
    }

    /// The counters now, with the commit rate since the last snapshot.
    func snapshot(since start: ContinuousClock.Instant) -> Snapshot {
        let now = ContinuousClock.now
        return state.withLock { state in
            var snapshot = state.snapshot
            snapshot.seconds = (now - start).inSeconds
            let elapsed = (now - (state.lastTime ?? start)).inSeconds
            if elapsed > 0 { snapshot.commitRate = Double(snapshot.committed - state.lastCommitted) / elapsed }
            state.lastCommitted = snapshot.committed
            state.lastTime = now
            let sorted = state.samples.sorted()
            if !sorted.isEmpty {
                snapshot.p50Millis = sorted[(sorted.count - 1) * 50 / 100]
                snapshot.p99Millis = sorted[(sorted.count - 1) * 99 / 100]
            }
            return snapshot
        }
    }
}

/// Prints the progress: one line rewritten in place on a terminal, plain lines otherwise, JSON
/// lines with `--json`.
struct SimulationProgress: Sendable {
    let json: Bool
    let interactive: Bool

    func report(_ snapshot: SimulationStats.Snapshot, final: Bool) {
        if json {
            var members: [String: JSONValue] = [
                "event": .string(final ? "summary" : "progress"), "sent": .uint(UInt64(snapshot.recorded)),
                "accepted": .uint(UInt64(snapshot.accepted)), "committed": .uint(UInt64(snapshot.committed)),
                "alreadyRecorded": .uint(UInt64(snapshot.alreadyRecorded)), "rejected": .uint(UInt64(snapshot.rejected)),
                "seconds": .double(snapshot.seconds), "commitRate": .double(snapshot.commitRate),
            ]
            if let p50 = snapshot.p50Millis { members["p50Millis"] = .double(p50) }
            if let p99 = snapshot.p99Millis { members["p99Millis"] = .double(p99) }
            print(JSONValue.object(members).rendered)
        } else {
            let latency = snapshot.p50Millis.map { p50 in
                "latency p50 \(Self.format(p50)) ms p99 \(Self.format(snapshot.p99Millis ?? p50)) ms"
            } ?? "latency -"
            let rate = final
                ? "\(Self.format(Double(snapshot.committed) / max(snapshot.seconds, 0.001)))/s overall"
                : "\(Self.format(snapshot.commitRate))/s"
            let line = "\(Self.format(snapshot.seconds)) s  sent \(snapshot.recorded)  accepted \(snapshot.accepted)  committed \(snapshot.committed)  rejected \(snapshot.rejected)  rate \(rate)  \(latency)"
            if interactive {
                print("\r\u{1B}[K" + line, terminator: final ? "\n" : "")
            } else {
                print(line)
            }
        }
        fflush(nil)
    }

    /// Ends an in-place line before an error message.
    func finishLine() {
        if interactive { print("") }
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
