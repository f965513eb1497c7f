import ArgumentParser
import FogAPI
import FogCore
import FogCrypto
import FogStoreSQLite
import FogTypes
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// `fogledger bench`: ingest throughput, submit → commit latency, bytes on disk and memory of a dev
/// node driven over HTTP, beside one core's Ed25519 verification rate measured in the same run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a dev node's ingest over HTTP against one core's Ed25519 verification rate.",
        discussion: """
            Starts `fogledger node --dev` on a temporary folder (this executable, 127.0.0.1, a free port), \
            registers devices, signs their readings ahead, posts them over keep-alive HTTP/1.1 connections \
            for --duration seconds and reports readings/s over the steady window (after --warmup), \
            submit → commit latency, bytes on disk per reading after a WAL checkpoint, and the node's RSS.
            """)

    @Option(name: .long, help: "Validators of the network under test: 1 (a dev node) or 2-\(BenchCommand.maxValidators) (a local network from fogledger init).")
    var validators = 1

    @Option(name: .long, help: "With --validators N > 1: the first offered rate (envelopes/s), doubled each step while the network keeps up, then bisected between the highest rate kept up and the lowest missed.")
    var startRate = 250

    @Option(name: .long, help: "With --validators N > 1: seconds each offered rate is held.")
    var stepSeconds: Double = 3

    @Option(name: .long, help: "With --validators N > 1: the most offered-rate steps.")
    var maxSteps = 8

    @Option(name: .long, help: "With --validators N > 1: the validators' least milliseconds between a commit and the next height (init --commit-delay-ms; default: init's).")
    var commitDelayMs: UInt64?

    @Option(name: .long, help: "With --validators N > 1: write each validator's log, at debug level (with each height's step timings), to DIR/nodeK.log.")
    var nodeLogs: String?

    /// The most validators a benchmarked network has.
    static let maxValidators = 16

    @Option(name: .long, help: "Readings per envelope: 1 (single signed readings) or a batch size such as 50.")
    var batch = 1

    @Option(name: .long, help: "Seconds of load.")
    var duration: Double = 10

    @Option(name: .long, help: "Seconds at the start left out of the rates (default: a fifth of --duration, at most 2).")
    var warmup: Double?

    @Option(name: .customLong("connections"),
            help: "Keep-alive HTTP connections posting in parallel (MQTT clients with --via mqtt). Default: 64 for a dev node over HTTP, enough requests in flight to keep both cores busy; 8 otherwise, where the load is paced.")
    var connectionsOption: Int?

    /// The connections used: ``connectionsOption``, or its default. A dev node's ingest is measured
    /// at its capacity: with 8 requests in flight, each answered before the next is sent, a third
    /// of the cores stayed idle and the round trip, not the node, set the rate (docs/benchmarks.md,
    /// "Round 8").
    var connections: Int { connectionsOption ?? (validators == 1 && via == "http" ? 64 : 8) }

    @Option(name: .long, help: "Envelopes per HTTP request: 1 posts each as application/cbor; more post that many as one application/cbor-seq body (at most \(APILimits.maxSequenceEnvelopes)).")
    var perRequest = 1

    @Option(name: .long, help: "Devices signing readings (spread over the connections).")
    var devices = 64

    @Option(name: .long, help: "Envelopes signed ahead per second of --duration (default 20000 single, 3000 batched); the load ends early if they run out.")
    var maxRate: Int?

    @Option(name: .long, help: "The node's least milliseconds between blocks.")
    var blockIntervalMs = 10

    @Option(name: .long, help: "Milliseconds between polls of the node's height (the latency's resolution).")
    var pollMs = 2

    @Option(name: .long, help: "How readings reach the node: http (posted to a dev node's API) or mqtt (published through a broker to the node's gateway).")
    var via = "http"

    @Option(name: .long, help: "With --via mqtt: the broker, mqtt://HOST[:PORT] (default: start a Mosquitto on a free port).")
    var broker: String?

    @OptionGroup var output: OutputOptions

    func run() async throws {
        if via == "mqtt" {
            try await runMQTT()
            return
        }
        do {
            let rendered: String
            do {
                if validators > 1 {
                    try checkArguments()
                    let report = try await measureNetwork()
                    rendered = output.json ? report.json.rendered : report.markdown
                } else {
                    let report = try await measure()
                    rendered = output.json ? report.json.rendered : report.markdown
                }
            } catch let error as CLIError {
                throw error
            } catch {
                throw CLIError("bench-failed", "\(error)")
            }
            print(rendered)
        } catch let error as CLIError {
            report(error, json: output.json)
            throw ExitCode(1)
        }
    }

    /// `--via mqtt`: a dev node, then (with --validators 4) a 4-validator network, through Mosquitto.
    private func runMQTT() async throws {
        do {
            guard [1, 4].contains(validators) else { throw CLIError("invalid-argument", "--via mqtt measures --validators 1 or 4") }
            guard perRequest == 1 else { throw CLIError("invalid-argument", "--per-request is for --via http") }
            guard (1...ObjectLimits.maxBatchReadings).contains(batch), duration > 0, duration <= 3600,
                  (1...64).contains(connections), devices >= connections, devices <= 10_000
            else { throw CLIError("invalid-argument", "--via mqtt: --batch 1…1024, --duration (0, 3600], --connections 1…64, --devices ≥ --connections and ≤ 10000") }
            let report = try await MQTTIngestBench(
                brokerURL: broker, targets: validators == 1 ? [1] : [1, validators], batch: batch, clients: connections,
                devices: devices, rate: maxRate ?? (batch == 1 ? 1_000 : 100), duration: duration,
                blockIntervalMs: blockIntervalMs, baselineMessages: 100_000
            ).run()
            print(output.json ? report.json.rendered : report.markdown)
        } catch let error as CLIError {
            report(error, json: false)
            throw ExitCode(1)
        }
    }

    private func checkArguments() throws(CLIError) {
        guard (1...Self.maxValidators).contains(validators) else {
            throw CLIError("invalid-argument", "--validators must be 1…\(Self.maxValidators)")
        }
        guard startRate >= 1, stepSeconds > 0, stepSeconds <= 600, (1...20).contains(maxSteps) else {
            throw CLIError("invalid-argument", "--start-rate must be at least 1, --step-seconds in (0, 600], --max-steps 1…20")
        }
        guard (1...ObjectLimits.maxBatchReadings).contains(batch) else {
            throw CLIError("invalid-argument", "--batch must be 1…\(ObjectLimits.maxBatchReadings)")
        }
        guard duration > 0, duration <= 3600 else { throw CLIError("invalid-argument", "--duration must be in (0, 3600] seconds") }
        guard (1...256).contains(connections) else { throw CLIError("invalid-argument", "--connections must be 1…256") }
        guard (1...APILimits.maxSequenceEnvelopes).contains(perRequest) else {
            throw CLIError("invalid-argument", "--per-request must be 1…\(APILimits.maxSequenceEnvelopes)")
        }
        guard devices >= connections, devices <= 100_000 else {
            throw CLIError("invalid-argument", "--devices must be at least --connections and at most 100000")
        }
        guard (1...1000).contains(pollMs), blockIntervalMs >= 1 else {
            throw CLIError("invalid-argument", "--poll-ms must be 1…1000 and --block-interval-ms at least 1")
        }
    }

    private func measure() async throws -> BenchReport {
        try checkArguments()
        let loadAverage = BenchMachine.loadAverage
        let referenceSeconds = min(2, max(0.25, duration / 5))
        let verificationsBefore = try Self.verificationRate(seconds: referenceSeconds)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fogledger-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let node = try await BenchNodeProcess.start(executable: BenchNodeProcess.currentExecutable(), data: folder,
                                                    blockIntervalMs: blockIntervalMs)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            var report = try await drive(node: node, folder: folder, group: group)
            report.reference.before = verificationsBefore
            report.loadAverage = loadAverage
            report.perRequest = perRequest
            let rss = node.residentSet()
            report.nodePeakRSS = rss?.peak ?? 0
            report.nodeRSS = rss?.current ?? 0
            try? await group.shutdownGracefully()
            guard await node.stop() else { throw CLIError("node-failed", "the dev node did not stop cleanly") }
            report.diskBytes = try Self.checkpointedSize(folder)
            report.reference.after = try Self.verificationRate(seconds: referenceSeconds)
            return report
        } catch {
            try? await group.shutdownGracefully()
            await node.stop()
            throw error
        }
    }

    /// Registers the devices, signs the readings, runs the load and reads back where each envelope landed.
    private func drive(node: BenchNodeProcess, folder: String, group: MultiThreadedEventLoopGroup) async throws -> BenchReport {
        let host = "127.0.0.1"
        let port = node.port
        let genesis = try Genesis.decode(Array(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/genesis.cbor"))))
        let operatorKey = try KeyFile.read("\(folder)/operator.key")
        let setup = try await BenchConnection.exchange(group, host: host, port: port)
        let deviceKeys = try await registerDevices(genesis: genesis, operatorKey: operatorKey, on: setup)
        let setupHeight = try await status(on: setup).height

        let rate = maxRate ?? (batch == 1 ? 20_000 : 3_000)
        let perConnection = max(1, Int((Double(rate) * duration / Double(connections)).rounded(.up)))
        let workload = try await BenchWorkload.make(chainID: genesis.chainID, devices: deviceKeys, connections: connections,
                                                    envelopesPerConnection: perConnection, batch: batch)

        // The load: one poller of the height, `connections` drivers.
        let stop = BenchSignal(), drain = BenchSignal()
        let seen = group.next().makePromise(of: [UInt64: UInt64].self)
        let interval = TimeAmount.milliseconds(Int64(pollMs))
        let poller = try await BenchConnection.open(group, host: host, port: port) {
            BenchHeightPoller(host: "\(host):\(port)", interval: interval, drain: drain, done: seen)
        }
        let start = benchNanos()
        var drivers: [(BenchConnection, EventLoopFuture<BenchDriverResult>)] = []
        for bodies in workload.bodies {
            let done = group.next().makePromise(of: BenchDriverResult.self)
            let connection = try await BenchConnection.open(group, host: host, port: port, rawBytes: true) {
                BenchLoadDriver(host: "\(host):\(port)", bodies: bodies, perRequest: perRequest, stop: stop, done: done)
            }
            drivers.append((connection, done.futureResult))
        }
        // Ends early when every driver has sent everything.
        let results = try await collect(drivers, stop: stop, seconds: duration, group: group)
        let end = results.flatMap(\.acceptedAt).max().map { max($0, start) } ?? benchNanos()
        drain.set()
        let firstSeen = try await seen.futureResult.get()
        await poller.close()

        // Where each envelope landed.
        var heightOf: [Hash256: UInt64] = [:]
        let latest = firstSeen.keys.max() ?? setupHeight
        if latest > setupHeight {
            for height in (setupHeight + 1)...latest {
                for id in try await transactionIDs(height: height, on: setup) { heightOf[id] = height }
            }
        }
        let warm = warmup ?? min(2, duration / 5)
        let windowStart = start + UInt64(max(0, warm) * 1e9)
        var windowReadings = 0, windowEnvelopes = 0, committedReadings = 0
        var latencies: [Double] = []
        for (connection, result) in results.enumerated() {
            for (index, sentAt) in result.acceptedAt.enumerated() where sentAt > 0 {
                guard let height = heightOf[workload.ids[connection][index]], let committedAt = firstSeen[height] else { continue }
                committedReadings += batch
                if committedAt >= windowStart, committedAt <= end {
                    windowReadings += batch
                    windowEnvelopes += 1
                }
                if sentAt >= windowStart, sentAt <= end, committedAt >= sentAt {
                    latencies.append(Double(committedAt - sentAt) / 1e6)
                }
            }
        }
        await setup.close()
        latencies.sort()
        let window = end > windowStart ? Double(end - windowStart) / 1e9 : 0
        return BenchReport(
            validators: validators, batch: batch, connections: connections, devices: devices, durationSeconds: duration,
            windowSeconds: window,
            transactionsPerSecond: window > 0 ? Double(windowEnvelopes) / window : 0,
            readingsPerSecond: window > 0 ? Double(windowReadings) / window : 0,
            finalityP50: percentile(latencies, 50), finalityP99: percentile(latencies, 99), finalityMax: latencies.last ?? 0,
            envelopesTimed: latencies.count, readingsCommitted: committedReadings, diskBytes: 0, nodePeakRSS: 0, nodeRSS: 0,
            refused: results.map(\.refused).reduce(0, +), retries: results.map(\.retries).reduce(0, +),
            pollMilliseconds: pollMs, loadAverage: "", cpu: BenchMachine.cpu)
    }

    /// Waits until every driver has sent all its bodies or `seconds` pass, stops them, closes their
    /// connections and returns what each one measured.
    func collect(_ drivers: [(BenchConnection, EventLoopFuture<BenchDriverResult>)], stop: BenchSignal, seconds: Double,
                 group: MultiThreadedEventLoopGroup) async throws -> [BenchDriverResult] {
        let allSent = BenchSignal()
        EventLoopFuture.whenAllComplete(drivers.map { $0.1 }, on: group.next()).whenComplete { _ in allSent.set() }
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline, !allSent.isSet { try await Task.sleep(for: .milliseconds(5)) }
        stop.set()
        var results: [BenchDriverResult] = []
        for (connection, future) in drivers {
            results.append(try await future.get())
            await connection.close()
        }
        return results
    }

    /// Registers `devices` fresh devices through `connection` and waits for the last registration's commit.
    func registerDevices(genesis: Genesis, operatorKey: PrivateKey, on connection: BenchConnection) async throws -> [PrivateKey] {
        let registrations = try BenchDeviceRegistrations(count: devices, genesis: genesis, operatorKey: operatorKey)
        for registration in registrations.transactions {
            let answer = try await connection.request(.POST, "/v1/transactions", body: registration.bytes)
            guard answer.status == .accepted else {
                throw CLIError("node-failed", "registering a device: \(answer.status.code) \(String(decoding: answer.body, as: UTF8.self))")
            }
        }
        if let last = registrations.transactions.last { try await waitCommitted(last.payloadHash, on: connection) }
        return registrations.keys
    }

    /// Polls `/v1/transactions/{id}` until it is committed (at most 60 s).
    func waitCommitted(_ id: Hash256, on connection: BenchConnection) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let answer = try await connection.request(.GET, "/v1/transactions/\(id.hex)")
            if String(decoding: answer.body, as: UTF8.self).contains("\"committed\"") { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw CLIError("node-failed", "transaction \(id.hex) was not committed within 60 s")
    }

    func status(on connection: BenchConnection) async throws -> (height: UInt64, pending: Int) {
        let answer = try await connection.request(.GET, "/v1/status")
        guard let parsed = BenchHeightPoller.parse(answer.body) else { throw BenchError.badStatus(String(decoding: answer.body, as: UTF8.self)) }
        return parsed
    }

    /// The ids of block `height`'s envelopes, from `/v1/blocks/{height}`.
    func transactionIDs(height: UInt64, on connection: BenchConnection) async throws -> [Hash256] {
        let answer = try await connection.request(.GET, "/v1/blocks/\(height)")
        guard answer.status == .ok,
              let object = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any],
              let ids = object["transactions"] as? [String]
        else { throw CLIError("node-failed", "block \(height): \(String(decoding: answer.body.prefix(200), as: UTF8.self))") }
        return try ids.map { hex throws(CLIError) in
            guard hex.count == 64, let id = Hash256(hex: hex) else {
                throw CLIError("node-failed", "block \(height) lists a malformed id \(hex)")
            }
            return id
        }
    }

    /// One core's Ed25519 COSE_Sign1 verifications per second with BoringSSL (its Sig_structure
    /// built and its signature checked, as ``FogCrypto/COSESign1/verify(with:)`` does), measured for
    /// about `seconds`: the reference rate, which FogLedger's own verifier does not change.
    static func verificationRate(seconds: Double) throws -> Double {
        var generator = SystemRandomNumberGenerator()
        let key = PrivateKey.generate(.ed25519, using: &generator)
        let (bytes, _) = try BenchWorkload.envelope(chainID: try ChainID(DefaultChain.id), device: key, sequences: 1..<2)
        let envelope = try Signed<Reading>(decoding: bytes).envelope
        var accepted = true
        let rate = bestRate(seconds: seconds) {
            for _ in 0..<100 {
                let toBeSigned = COSESign1.toBeSigned(protectedHeader: envelope.protectedHeader, payload: envelope.payload)
                accepted = accepted && key.publicKey.isAcceptedByBoringSSL(envelope.signature, for: toBeSigned)
            }
            return 100
        }
        guard accepted else { throw CLIError("bench-failed", "BoringSSL refused the reference signature") }
        return rate
    }

    /// The highest rate of `round` (which returns how many operations it did) over windows of
    /// 0.2 s for about `seconds` in all: the core's speed when nothing else takes it, since another
    /// process (the previous run's nodes stopping, a build) only ever lowers a window's rate.
    static func bestRate(seconds: Double, _ round: () -> Int) -> Double {
        let clock = ContinuousClock()
        let end = clock.now + .seconds(seconds)
        var best = 0.0
        repeat {
            let start = clock.now
            var count = 0
            repeat { count += round() } while clock.now - start < .milliseconds(200)
            best = max(best, Double(count) / (clock.now - start).inSeconds)
        } while clock.now < end
        return best
    }

    /// One core's Ed25519 COSE_Sign1 verifications per second when validators check them as they
    /// do gossiped and bulk-submitted envelopes: in batches of 32 (``SignatureBatch``), each by its
    /// own device key.
    static func batchedVerificationRate(seconds: Double) throws -> Double {
        var generator = SystemRandomNumberGenerator()
        let chain = try ChainID(DefaultChain.id)
        var batch = SignatureBatch()
        for _ in 0..<32 {
            let key = PrivateKey.generate(.ed25519, using: &generator)
            let (bytes, _) = try BenchWorkload.envelope(chainID: chain, device: key, sequences: 1..<2)
            batch.append(try Signed<Reading>(decoding: bytes).envelope, by: key.publicKey)
        }
        return bestRate(seconds: seconds) {
            precondition(!batch.verify().contains(false), "a valid batch did not verify")
            return batch.count
        }
    }

    /// The data folder's size in bytes after checkpointing the store's WAL into its database file
    /// (the genesis file is in the folder unless `genesisPath` names it).
    static func checkpointedSize(_ folder: String, genesisPath: String? = nil) throws -> Int {
        let genesisFile = genesisPath ?? "\(folder)/genesis.cbor"
        let genesis = try Genesis.decode(Array(try Data(contentsOf: URL(fileURLWithPath: genesisFile))))
        do {
            let store = try SQLiteLedgerStore(path: "\(folder)/ledger.sqlite", genesis: genesis)
            try store.checkpoint()
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return files.reduce(0) { total, name in
            let size = (try? FileManager.default.attributesOfItem(atPath: "\(folder)/\(name)")[.size] as? NSNumber)?.intValue ?? 0
            return total + size
        }
    }
}
