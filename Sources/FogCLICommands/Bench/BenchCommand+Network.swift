import FogCrypto
import FogTypes
import Foundation
import NIOCore
import NIOPosix

/// One offered rate held for a while against the network, and what came of it.
struct BenchStep: Sendable {
    /// Envelopes offered per second (paced over every connection).
    var offered: Double
    /// Envelopes sent in the window and committed (within the latency limit after it), per second of the window.
    var committed: Double
    /// Submit → commit latency of the envelopes timed, in milliseconds.
    var p50: Double
    var p99: Double
    var max: Double
    /// Envelopes timed.
    var timed: Int
    /// Envelopes of the step found in committed blocks (timed or not).
    var envelopesCommitted: Int
    /// Envelopes refused (not retried) and mempool-full retries.
    var refused: Int
    var retries: Int
    /// Send → answer of the step's requests, p50 and p99 in milliseconds (admission, not commit).
    var answerP50 = 0.0
    var answerP99 = 0.0
    /// Heights each timed envelope waited for (``CommitTimeline/heightsWaited(sentAt:committedAt:startHeight:)``),
    /// p50 and p99.
    var heightsWaitedP50 = 0.0
    var heightsWaitedP99 = 0.0
    /// Milliseconds between node0's commits of consecutive heights during the window, p50 and p99.
    var heightIntervalP50 = 0.0
    var heightIntervalP99 = 0.0
    /// What the device holding the validators' files did while the load was offered.
    var device = DeviceActivity()
    /// Cores the validators used together while the load was offered (CPU seconds per second).
    var validatorCores = 0.0

    /// Whether the network kept up: it committed at least 90 % of the offered rate, and p99 stayed
    /// under `latencyLimit` milliseconds.
    func keptUp(latencyLimit: Double) -> Bool {
        committed >= 0.9 * offered && p99 < latencyLimit
    }

    var json: JSONValue {
        .object([
            "offeredPerSecond": .double((offered * 10).rounded() / 10),
            "committedPerSecond": .double((committed * 10).rounded() / 10),
            "finalityMs": .object(["p50": .double((p50 * 100).rounded() / 100), "p99": .double((p99 * 100).rounded() / 100),
                                   "max": .double((max * 100).rounded() / 100), "envelopes": .int(Int64(timed))]),
            "refused": .int(Int64(refused)), "mempoolFullRetries": .int(Int64(retries)),
            "answerMs": .object(["p50": .double((answerP50 * 100).rounded() / 100), "p99": .double((answerP99 * 100).rounded() / 100)]),
            "heightsWaited": .object(["p50": .double(heightsWaitedP50), "p99": .double(heightsWaitedP99)]),
            "heightIntervalMs": .object(["p50": .double((heightIntervalP50 * 100).rounded() / 100),
                                         "p99": .double((heightIntervalP99 * 100).rounded() / 100)]),
            "device": device.json,
            "validatorCores": .double((validatorCores * 100).rounded() / 100),
        ])
    }
}

/// What `fogledger bench --validators N` (N > 1) measured.
struct BenchNetworkReport: Sendable {
    var validators: Int
    var batch: Int
    var connections: Int
    var devices: Int
    /// The offered-rate steps, in order.
    var steps: [BenchStep]
    /// The highest committed rate of a step the network kept up with.
    var maxSustained: Double
    /// The run at half of `maxSustained`.
    var halfLoad: BenchStep
    /// One core's Ed25519 COSE_Sign1 verifications/s, before and after the load; the bound uses their mean.
    var reference = BenchReferenceRate()
    var verificationsPerSecond: Double { reference.perSecond }
    /// One core's Ed25519 verifications/s in batches of 32, as validators check gossip (not the bound's).
    var batchedVerificationsPerSecond: Double = 0
    var cores: Int
    var loadAverage: String
    var cpu: String
    /// Readings committed over the whole run (every step and the half-load run).
    var readingsCommitted: Int
    /// node0's data folder (store and consensus WAL) after a WAL checkpoint, in bytes.
    var diskBytes: Int = 0
    /// The largest peak and current resident set of the validators, in bytes.
    var nodePeakRSS: UInt64 = 0
    var nodeRSS: UInt64 = 0
    /// Envelopes per HTTP request (1: one `application/cbor` envelope each).
    var perRequest = 1

    /// Bytes on node0's disk per committed reading (the genesis registrations included).
    var bytesPerReading: Double { readingsCommitted > 0 ? Double(diskBytes) / Double(readingsCommitted) : 0 }

    /// verifications/s per core × cores ÷ validators: what the network could commit if every
    /// validator verified every signature once and did nothing else.
    var aggregateBound: Double { verificationsPerSecond * Double(cores) / Double(max(1, validators)) }
    var ratioToBound: Double { aggregateBound > 0 ? maxSustained / aggregateBound : 0 }

    var json: JSONValue {
        .object([
            "validators": .int(Int64(validators)), "batch": .int(Int64(batch)),
            "envelopesPerRequest": .int(Int64(perRequest)),
            "connections": .int(Int64(connections)), "devices": .int(Int64(devices)),
            "steps": .array(steps.map(\.json)),
            "maxSustainedPerSecond": .double((maxSustained * 10).rounded() / 10),
            "halfLoad": halfLoad.json,
            "ed25519VerificationsPerSecond": .double((verificationsPerSecond * 10).rounded() / 10),
            "ed25519VerificationsBeforeAfter": reference.json,
            "ed25519BatchedVerificationsPerSecond": .double((batchedVerificationsPerSecond * 10).rounded() / 10),
            "cores": .int(Int64(cores)),
            "aggregateBoundPerSecond": .double((aggregateBound * 10).rounded() / 10),
            "ratioToBound": .double((ratioToBound * 10_000).rounded() / 10_000),
            "loadAverage": .string(loadAverage), "cpu": .string(cpu),
            "maxSustainedReadingsPerSecond": .double((maxSustained * Double(batch) * 10).rounded() / 10),
            "readingsCommitted": .int(Int64(readingsCommitted)), "diskBytes": .int(Int64(diskBytes)),
            "bytesPerReading": .double((bytesPerReading * 10).rounded() / 10),
            "nodeRSSBytes": .object(["peak": .uint(nodePeakRSS), "current": .uint(nodeRSS)]),
        ])
    }

    var markdown: String {
        func number(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }
        let stepRows = steps.map {
            "| \(number($0.offered)) | \(number($0.committed)) | \(number($0.p50, 1)) / \(number($0.p99, 1)) / \(number($0.max, 1)) | \(number($0.answerP50, 1)) / \(number($0.answerP99, 1)) | \($0.refused) / \($0.retries) | \(number($0.validatorCores, 2)) | \($0.device.stallCell) |"
        }.joined(separator: "\n")
        return """
            | metric | value |
            | --- | ---: |
            | validators | \(validators) |
            | readings per envelope | \(batch) |
            | envelopes per request | \(perRequest) |
            | connections / devices | \(connections) / \(devices) |
            | maximum sustained envelopes/s (readings/s) | \(number(maxSustained)) (\(number(maxSustained * Double(batch)))) |
            | at half load (\(number(halfLoad.offered)) offered): committed/s | \(number(halfLoad.committed)) |
            | at half load: submit → commit p50 / p99 / max | \(number(halfLoad.p50, 1)) / \(number(halfLoad.p99, 1)) / \(number(halfLoad.max, 1)) ms (\(halfLoad.timed) envelopes) |
            | at half load: heights waited p50 / p99; node0's heights p50 / p99 | \(number(halfLoad.heightsWaitedP50)) / \(number(halfLoad.heightsWaitedP99)); \(number(halfLoad.heightIntervalP50, 1)) / \(number(halfLoad.heightIntervalP99, 1)) ms |
            | at half load: cores the validators used | \(number(halfLoad.validatorCores, 2)) of \(cores) |
            | at half load: device stalls of 50 ms or more (writes in flight, none completed) | \(halfLoad.device.stallCell) |
            | at half load: device writes / flushes per second | \(halfLoad.device.rateCell) |
            | Ed25519 verifications/s (one core, this run; best 0.2 s of 2 s; mean of before / after the load) | \(reference.cell) |
            | … in batches of 32, as validators check gossip | \(number(batchedVerificationsPerSecond)) |
            | aggregate bound (× \(cores) cores ÷ \(validators) validators) | \(number(aggregateBound)) |
            | maximum sustained ÷ bound | \(number(ratioToBound * 100, 1)) % |
            | bytes on disk per reading (node0) | \(number(bytesPerReading)) (\(diskBytes) bytes after a WAL checkpoint, \(readingsCommitted) readings) |
            | validator RSS peak / at end (largest) | \(nodePeakRSS / 1_048_576) / \(nodeRSS / 1_048_576) MiB |
            | load average before | \(loadAverage) |
            | CPU | \(cpu) |

            | offered/s | committed/s | submit → commit p50 / p99 / max ms | submit → answer p50 / p99 ms | refused / retries | validators' cores | device stalls ≥ 50 ms |
            | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
            \(stepRows)
            """
    }
}

extension BenchCommand {
    /// The p99 latency (ms) above which a step counts as not kept up.
    static let stepLatencyLimit = 1_000.0

    /// Runs a local network of `validators` nodes, finds the highest offered rate it keeps up with
    /// (doubling from `--start-rate`, `--step-seconds` per step), then holds half of that for
    /// `--duration` seconds and reports its finality beside the aggregate Ed25519 bound.
    func measureNetwork() async throws -> BenchNetworkReport {
        let loadAverage = BenchMachine.loadAverage
        let verificationsBefore = try Self.verificationRate(seconds: 2)
        let batchedVerifications = try Self.batchedVerificationRate(seconds: 2)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fogledger-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let network = try await BenchNetworkProcesses.start(executable: BenchNodeProcess.currentExecutable(), home: folder,
                                                            validators: validators, commitDelayMs: commitDelayMs,
                                                            logFolder: nodeLogs)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            var report = try await driveNetwork(network, group: group)
            report.reference.before = verificationsBefore
            report.batchedVerificationsPerSecond = batchedVerifications
            report.loadAverage = loadAverage
            report.perRequest = perRequest
            let residentSets = network.nodes.compactMap { $0.residentSet() }
            report.nodePeakRSS = residentSets.map(\.peak).max() ?? 0
            report.nodeRSS = residentSets.map(\.current).max() ?? 0
            try? await group.shutdownGracefully()
            guard await network.stop() else { throw CLIError("node-failed", "a validator did not stop cleanly") }
            report.diskBytes = try Self.checkpointedSize("\(folder)/node0/data", genesisPath: "\(folder)/genesis.cbor")
            report.reference.after = try Self.verificationRate(seconds: 2)
            return report
        } catch {
            try? await group.shutdownGracefully()
            await network.stop()
            throw error
        }
    }

    private func driveNetwork(_ network: BenchNetworkProcesses, group: MultiThreadedEventLoopGroup) async throws -> BenchNetworkReport {
        let ports = network.ports
        let genesis = try Genesis.decode(Array(try Data(contentsOf: URL(fileURLWithPath: "\(network.home)/genesis.cbor"))))
        let operatorKey = try KeyFile.read("\(network.home)/operator.key")
        let setup = try await BenchConnection.exchange(group, host: "127.0.0.1", port: ports[0])
        defer { Task { await setup.close() } }
        let deviceKeys = try await registerDevices(genesis: genesis, operatorKey: operatorKey, on: setup)

        var steps: [BenchStep] = []
        var sequence: UInt64 = 1
        let cpu = { network.nodes.compactMap { $0.cpuSeconds() }.reduce(0, +) }
        var search = BenchRateSearch(startRate: Double(startRate))
        while steps.count < maxSteps, let rate = search.nextRate {
            let (step, next) = try await runStep(rate: rate, seconds: stepSeconds, firstSequence: sequence, ports: ports,
                                                 chainID: genesis.chainID, devices: deviceKeys, setup: setup, group: group,
                                                 deviceFolder: network.home, validatorCPU: cpu)
            sequence = next
            steps.append(step)
            search.record(step, keptUp: step.keptUp(latencyLimit: Self.stepLatencyLimit))
        }
        let best = search.maxSustained
        let (half, _) = try await runStep(rate: max(1, best / 2), seconds: duration, firstSequence: sequence, ports: ports,
                                     chainID: genesis.chainID, devices: deviceKeys, setup: setup, group: group,
                                     deviceFolder: network.home, validatorCPU: cpu)
        return BenchNetworkReport(validators: validators, batch: batch, connections: connections, devices: devices, steps: steps,
                                  maxSustained: best, halfLoad: half,
                                  cores: ProcessInfo.processInfo.activeProcessorCount, loadAverage: "", cpu: BenchMachine.cpu,
                                  readingsCommitted: (steps + [half]).map(\.envelopesCommitted).reduce(0, +) * batch)
    }

    /// Polls each of `ports` until its node reports nothing pending, at most 30 s in all.
    private func waitUntilNothingPending(ports: [Int], group: MultiThreadedEventLoopGroup) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        for (offset, port) in ports.enumerated() {
            let connection = try await BenchConnection.exchange(group, host: "127.0.0.1", port: port)
            defer { Task { await connection.close() } }
            while try await status(on: connection).pending > 0 {
                guard ContinuousClock.now < deadline else {
                    throw CLIError("node-failed", "node\(offset + 1) still had envelopes pending 30 s after the load stopped")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Offers `rate` envelopes/s for `seconds`, spread over the connections and so over the nodes'
    /// APIs (each device always through one node), then waits until node0 holds nothing pending and
    /// times each envelope from its accepted submission to the first poll of node0 that saw its block.
    /// The device holding `deviceFolder` is watched while the load is offered (``BenchDeviceMonitor``),
    /// and the validators' CPU seconds (`validatorCPU`) are read before and after it.
    /// Returns the step and the first sequence number the devices have not used.
    private func runStep(rate: Double, seconds: Double, firstSequence: UInt64, ports: [Int], chainID: ChainID,
                         devices deviceKeys: [PrivateKey], setup: BenchConnection,
                         group: MultiThreadedEventLoopGroup, deviceFolder: String,
                         validatorCPU: () -> Double) async throws -> (BenchStep, UInt64) {
        let startHeight = try await status(on: setup).height
        let perConnection = max(1, Int((rate * seconds / Double(connections)).rounded(.up)))
        let workload = try await BenchWorkload.make(chainID: chainID, devices: deviceKeys, connections: connections,
                                                    envelopesPerConnection: perConnection, batch: batch,
                                                    firstSequence: firstSequence)
        // Each connection's devices take turns: a round gives each of the smallest group one envelope.
        let rounds = (perConnection + deviceKeys.count / connections - 1) / (deviceKeys.count / connections)
        let nextSequence = firstSequence + UInt64(rounds * batch)
        let pace = UInt64(1e9 * Double(connections) / rate)
        let stop = BenchSignal(), drain = BenchSignal()
        let seen = group.next().makePromise(of: [UInt64: UInt64].self)
        let poller = try await BenchConnection.open(group, host: "127.0.0.1", port: ports[0]) {
            BenchHeightPoller(host: "127.0.0.1:\(ports[0])", interval: .milliseconds(Int64(pollMs)), drain: drain, done: seen)
        }
        let device = BenchDeviceMonitor(folder: deviceFolder)
        let cpuBefore = validatorCPU()
        let start = benchNanos()
        // Connection k's schedule starts k/connections of a request's interval later, so that the
        // connections' requests alternate evenly rather than leave together.
        let stagger = pace * UInt64(perRequest) / UInt64(connections)
        let results: [BenchDriverResult]
        do {
            var drivers: [(BenchConnection, EventLoopFuture<BenchDriverResult>)] = []
            for (index, bodies) in workload.bodies.enumerated() {
                let port = ports[index % ports.count]
                let done = group.next().makePromise(of: BenchDriverResult.self)
                let origin = start + UInt64(index) * stagger
                let connection = try await BenchConnection.open(group, host: "127.0.0.1", port: port, rawBytes: true) {
                    BenchLoadDriver(host: "127.0.0.1:\(port)", bodies: bodies, perRequest: perRequest, stop: stop, done: done,
                                    schedule: (start: origin, pace: pace))
                }
                drivers.append((connection, done.futureResult))
            }
            results = try await collect(drivers, stop: stop, seconds: seconds + 5, group: group)
        } catch {
            _ = device.stop()
            throw error
        }
        let deviceActivity = device.stop()
        let loadSeconds = Double(benchNanos() - start) / 1e9
        let cores = loadSeconds > 0 ? (validatorCPU() - cpuBefore) / loadSeconds : 0
        let end = results.flatMap(\.acceptedAt).max().map { max($0, start) } ?? benchNanos()
        drain.set()
        // Nothing pending on node0 ends the poll; a network that cannot drain fails the run.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(30))
            await poller.close()
        }
        let firstSeen: [UInt64: UInt64]
        do {
            firstSeen = try await seen.futureResult.get()
        } catch {
            throw CLIError("node-failed", "node0 still had envelopes pending 30 s after the load stopped")
        }
        watchdog.cancel()
        await poller.close()
        // The next step (or the half-load run) starts with no backlog anywhere: under overload a
        // node can hold envelopes node0 dropped.
        try await waitUntilNothingPending(ports: Array(ports.dropFirst()), group: group)

        var heightOf: [Hash256: UInt64] = [:]
        let latest = firstSeen.keys.max() ?? startHeight
        if latest > startHeight {
            for height in (startHeight + 1)...latest {
                for id in try await transactionIDs(height: height, on: setup) { heightOf[id] = height }
            }
        }
        let warm = min(1, seconds / 5)
        let windowStart = start + UInt64(warm * 1e9)
        var windowEnvelopes = 0
        var envelopesCommitted = 0
        var latencies: [Double] = []
        var heightsWaited: [Double] = []
        let timeline = CommitTimeline(firstSeen: firstSeen)
        for (connection, result) in results.enumerated() {
            for (index, sentAt) in result.acceptedAt.enumerated() where sentAt > 0 {
                guard let height = heightOf[workload.ids[connection][index]], let committedAt = firstSeen[height] else { continue }
                envelopesCommitted += 1
                // Throughput that followed the offer: sent in the window, committed within the latency limit after it.
                if sentAt >= windowStart, sentAt <= end, committedAt <= end + UInt64(Self.stepLatencyLimit * 1e6) {
                    windowEnvelopes += 1
                }
                if sentAt >= windowStart, committedAt >= sentAt {
                    latencies.append(Double(committedAt - sentAt) / 1e6)
                    heightsWaited.append(Double(timeline.heightsWaited(sentAt: sentAt, committedAt: height, startHeight: startHeight)))
                }
            }
        }
        latencies.sort()
        heightsWaited.sort()
        let intervals = end > windowStart ? timeline.heightIntervals(in: windowStart...end).sorted() : []
        let answers = results.flatMap(\.answerMillis).sorted()
        let window = end > windowStart ? Double(end - windowStart) / 1e9 : 0
        let step = BenchStep(offered: rate, committed: window > 0 ? Double(windowEnvelopes) / window : 0,
                             p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.last ?? 0,
                             timed: latencies.count, envelopesCommitted: envelopesCommitted,
                             refused: results.map(\.refused).reduce(0, +),
                             retries: results.map(\.retries).reduce(0, +),
                             answerP50: percentile(answers, 50), answerP99: percentile(answers, 99),
                             heightsWaitedP50: percentile(heightsWaited, 50), heightsWaitedP99: percentile(heightsWaited, 99),
                             heightIntervalP50: percentile(intervals, 50), heightIntervalP99: percentile(intervals, 99),
                             device: deviceActivity, validatorCores: cores)
        return (step, nextSequence)
    }
}
