import FogSimulation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// fog-vopr: runs the consensus simulation for one seed (`--seed S`, exact replay with a trace
/// summary) or a sweep (`--seeds N [--start S]`); exits 1 on a checker failure, naming the seed.
let usage = """
    usage: fog-vopr --seed S [--heights H]
           fog-vopr --seeds N [--start S] [--heights H] [--workers W]
    """

func value(_ name: String, in arguments: [String]) -> UInt64? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return UInt64(arguments[index + 1])
}

let arguments = Array(CommandLine.arguments.dropFirst())
let known: Set<String> = ["--seed", "--seeds", "--start", "--heights", "--workers"]
var index = 0
while index < arguments.count {
    guard known.contains(arguments[index]), index + 1 < arguments.count, UInt64(arguments[index + 1]) != nil else {
        print(usage)
        exit(2)
    }
    index += 2
}
let heights = value("--heights", in: arguments) ?? 3
guard (1...1_000).contains(heights) else {
    print("--heights must be 1–1000")
    exit(2)
}

if let seed = value("--seed", in: arguments) {
    let report = SeedSweep.runSeed(seed, targetHeight: heights)
    print(report)
    let sorted = report.decisionLatencies.sorted()
    if !sorted.isEmpty {
        print("  decision latency (simulated ms): p50 \(sorted[sorted.count / 2]) max \(sorted.last!)")
    }
    exit(report.passed ? 0 : 1)
} else if let count = value("--seeds", in: arguments), count >= 1, count <= 10_000_000 {
    let start = value("--start", in: arguments) ?? 0
    let workers = Int(min(value("--workers", in: arguments) ?? 1, 64))
    let outcome = SeedSweep.run(start: start, count: Int(count), targetHeight: heights, workers: workers)
    for report in outcome.failed { print(report) }
    let sorted = outcome.latencies.sorted()
    let p99 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
    print("seeds \(start)..<\(start + count): \(outcome.failed.count) failed; \(outcome.runsWithEvidence) runs with"
          + " equivocation evidence; decision latency p99 \(p99) simulated ms")
    if let first = outcome.failed.first {
        print("replay: fog-vopr --seed \(first.scenario.seed) --heights \(heights)")
        exit(1)
    }
} else {
    print(usage)
    exit(2)
}
