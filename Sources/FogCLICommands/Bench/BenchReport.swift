import Foundation

/// One core's Ed25519 COSE_Sign1 verifications/s, measured before the load starts and again after
/// it stops. The machine's speed drifts (runs minutes apart measured 10.5 and 15.3 k/s), so a rate
/// taken only before the load can belong to another phase than the load's; the reference is the
/// mean of the two, and both are reported.
struct BenchReferenceRate: Sendable {
    var before = 0.0
    var after = 0.0

    /// The mean of the two (`before` alone while `after` is not measured).
    var perSecond: Double { after > 0 ? (before + after) / 2 : before }

    /// `[before, after]`, to 0.1.
    var json: JSONValue { .array([.double((before * 10).rounded() / 10), .double((after * 10).rounded() / 10)]) }

    /// `mean (before / after)`, for a report's table.
    var cell: String { String(format: "%.0f (%.0f / %.0f)", perSecond, before, after) }
}

/// What `fogledger bench` measured.
struct BenchReport: Sendable {
    var validators: Int
    var batch: Int
    var connections: Int
    var devices: Int
    var durationSeconds: Double
    /// The steady window readings/s are counted over (after the warm-up).
    var windowSeconds: Double
    var transactionsPerSecond: Double
    var readingsPerSecond: Double
    /// Submit → commit latency of the envelopes accepted in the window, in milliseconds.
    var finalityP50: Double
    var finalityP99: Double
    var finalityMax: Double
    var envelopesTimed: Int
    var readingsCommitted: Int
    var diskBytes: Int
    var nodePeakRSS: UInt64
    var nodeRSS: UInt64
    /// One core's Ed25519 COSE_Sign1 verifications/s, before and after the load.
    var reference = BenchReferenceRate()
    var refused: Int
    var retries: Int
    var pollMilliseconds: Int
    var loadAverage: String
    var cpu: String
    /// Envelopes per HTTP request (1: one `application/cbor` envelope each).
    var perRequest = 1

    var bytesPerReading: Double { readingsCommitted > 0 ? Double(diskBytes) / Double(readingsCommitted) : 0 }
    var verificationsPerSecond: Double { reference.perSecond }
    var ratioToVerification: Double { verificationsPerSecond > 0 ? readingsPerSecond / verificationsPerSecond : 0 }

    var json: JSONValue {
        .object([
            "validators": .int(Int64(validators)), "batch": .int(Int64(batch)),
            "envelopesPerRequest": .int(Int64(perRequest)),
            "connections": .int(Int64(connections)), "devices": .int(Int64(devices)),
            "durationSeconds": .double(durationSeconds), "windowSeconds": .double(rounded(windowSeconds, 3)),
            "transactionsPerSecond": .double(rounded(transactionsPerSecond, 1)),
            "readingsPerSecond": .double(rounded(readingsPerSecond, 1)),
            "finalityMs": .object(["p50": .double(rounded(finalityP50, 2)), "p99": .double(rounded(finalityP99, 2)),
                                   "max": .double(rounded(finalityMax, 2)), "envelopes": .int(Int64(envelopesTimed)),
                                   "pollIntervalMs": .int(Int64(pollMilliseconds))]),
            "readingsCommitted": .int(Int64(readingsCommitted)), "diskBytes": .int(Int64(diskBytes)),
            "bytesPerReading": .double(rounded(bytesPerReading, 1)),
            "nodeRSSBytes": .object(["peak": .uint(nodePeakRSS), "current": .uint(nodeRSS)]),
            "ed25519VerificationsPerSecond": .double(rounded(verificationsPerSecond, 1)),
            "ed25519VerificationsBeforeAfter": reference.json,
            "ratioToVerification": .double(rounded(ratioToVerification, 4)),
            "refused": .int(Int64(refused)), "mempoolFullRetries": .int(Int64(retries)),
            "loadAverage": .string(loadAverage), "cpu": .string(cpu),
        ])
    }

    var markdown: String {
        func number(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }
        return """
            | metric | value |
            | --- | ---: |
            | validators | \(validators) |
            | readings per envelope | \(batch) |
            | envelopes per request | \(perRequest) |
            | connections / devices | \(connections) / \(devices) |
            | steady window | \(number(windowSeconds, 2)) s of \(number(durationSeconds, 0)) s |
            | transactions/s | \(number(transactionsPerSecond)) |
            | readings/s | \(number(readingsPerSecond)) |
            | submit → commit p50 / p99 / max | \(number(finalityP50, 1)) / \(number(finalityP99, 1)) / \(number(finalityMax, 1)) ms (\(envelopesTimed) envelopes, status polled every \(pollMilliseconds) ms) |
            | readings committed | \(readingsCommitted) |
            | bytes on disk per reading | \(number(bytesPerReading)) (\(diskBytes) bytes after a WAL checkpoint) |
            | node RSS peak / at end | \(nodePeakRSS / 1_048_576) / \(nodeRSS / 1_048_576) MiB |
            | Ed25519 COSE_Sign1 verifications/s (one core, this run: mean of before / after the load) | \(reference.cell) |
            | readings/s ÷ verifications/s | \(number(ratioToVerification * 100, 1)) % |
            | refused / mempool-full retries | \(refused) / \(retries) |
            | load average before | \(loadAverage) |
            | CPU | \(cpu) |
            """
    }

    private func rounded(_ value: Double, _ digits: Int) -> Double {
        let scale = pow(10, Double(digits))
        return (value * scale).rounded() / scale
    }
}

/// The nearest-rank percentile `p` (0…100) of sorted `values`; 0 for none.
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return sorted[min(sorted.count - 1, max(0, rank - 1))]
}

/// Facts about the machine for the report.
enum BenchMachine {
    static var loadAverage: String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "")
            .split(separator: " ").prefix(3).joined(separator: " ")
    }

    static var cpu: String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = info.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown"
        return "\(model), \(ProcessInfo.processInfo.activeProcessorCount) cores"
    }
}
