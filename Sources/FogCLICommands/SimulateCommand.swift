import ArgumentParser
import FogCore
import FogCrypto
import FogDevice
import FogDeviceKit
import FogTypes
import Foundation
import Synchronization

/// `fogledger simulate`: a seeded fleet of simulated devices sending realistic readings through the
/// device SDK, with a live progress line.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a simulated device fleet (cold-chain, wearables or energy) against a broker or a node.",
        discussion: """
            Device keys derive from --seed, so a rerun is the same fleet. Pointed at a node (--node), \
            the fleet registers its devices first, signed by --key FILE or the operator.key of a dev \
            node's --data DIR (or FOGLEDGER_DATA). Readings go out at --rate per second in all, each \
            device in turn, through the SDK's persistent queue; progress shows sent, accepted, \
            committed and rejected readings, the commit rate and the record-to-commit latency. \
            Ctrl-C (or --duration) stops sending; the fleet then waits for its answers.
            """)

    @Option(name: .long, help: "Number of devices (1…10000).")
    var devices: Int = 10

    @Option(name: .long, help: "Readings per second, for the whole fleet.")
    var rate: Double = 10

    @Option(name: .long, help: "cold-chain, wearables or energy.")
    var scenario: String = SignalScenario.coldChain.rawValue

    @OptionGroup var link: DeviceLinkOptions

    @Option(name: .long, help: "Seconds to run (default: until Ctrl-C).")
    var duration: Double?

    @Option(name: .long, help: "Seed of the device keys and signals.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Readings per signed batch (1 to 1024).")
    var batch: Int = 1

    @Option(name: .long, help: "Milliseconds a reading waits for the rest of its batch.")
    var batchAge: UInt64 = 500

    @Option(name: .long, help: "Folder of the devices' queues (default: a temporary folder, removed when drained).")
    var queue: String?

    @Option(name: .long, help: "Seconds to wait for the answers after sending stops.")
    var drainTimeout: Double = 30

    @OptionGroup var signer: SignerOptions

    @Flag(name: .long, help: "Print the progress and the summary as JSON lines.")
    var json = false

    func validate() throws {
        guard (1...10_000).contains(devices) else { throw ValidationError("--devices must be 1…10000") }
        guard rate > 0, rate <= 100_000 else { throw ValidationError("--rate must be above 0 and at most 100000") }
        guard SignalScenario(rawValue: scenario) != nil else {
            throw ValidationError("--scenario must be one of \(SignalScenario.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (1...ObjectLimits.maxBatchReadings).contains(batch) else {
            throw ValidationError("--batch must be 1…\(ObjectLimits.maxBatchReadings)")
        }
        if let duration { guard duration > 0 else { throw ValidationError("--duration must be positive") } }
    }

    func run() async throws {
        let progress = SimulationProgress(json: json, interactive: isatty(STDOUT_FILENO) == 1 && !json)
        do throws(CLIError) {
            try await simulate(progress)
        } catch {
            progress.finishLine()
            report(error, json: json)
            throw ExitCode(1)
        }
    }

    private func simulate(_ progress: SimulationProgress) async throws(CLIError) {
        let scenario = SignalScenario(rawValue: scenario)!
        let link = try self.link.link()
        let chain = try await self.link.chainID(link)
        let keys = (0..<devices).map { SimulatedFleet.deviceKey(seed: seed, index: $0) }
        let firstSequences: [UInt64]
        if case .node(let base) = link {
            firstSequences = try await SimulatedFleet.register(
                keys, client: NodeClient(base: base), operatorKey: { () throws(CLIError) in try signer.signingKey().key },
                nonce: signer.nonce, scenario: scenario)
        } else {
            // Over MQTT the ledger's records are out of sight: start at the wall clock in
            // milliseconds, above any earlier run's numbers while a device sends under 1,000/s.
            let now = UInt64(Date().timeIntervalSince1970 * 1_000)
            firstSequences = keys.map { _ in now }
        }
        let folder = queue ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("fogledger-simulate-\(UUID().uuidString)").path
        let fleet = try SimulatedFleet(
            keys: keys, chainID: chain, scenario: scenario, seed: seed, rate: rate, folder: folder,
            configuration: DeviceAgentConfiguration(batch: BatchLimits(maxReadings: batch, maxAgeMillis: batchAge),
                                                    queue: self.link.queueLimits(link)),
            firstSequences: firstSequences) { _, address in self.link.transport(link, device: address) }
        let followers = await fleet.start()
        let stats = fleet.stats
        let stop = StopSignal()
        let start = ContinuousClock.now
        let reporter = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                if Task.isCancelled { break }
                progress.report(stats.snapshot(since: start), final: false)
            }
        }
        await fleet.send(from: start, until: stop, duration: duration)
        stop.set()
        let unanswered = await fleet.drain(timeout: drainTimeout)
        await fleet.stop(followers: followers)
        reporter.cancel()
        let final = stats.snapshot(since: start)
        progress.report(final, final: true)
        if unanswered == 0 && queue == nil { try? FileManager.default.removeItem(atPath: folder) }
        if unanswered > 0 {
            throw CLIError("timeout", "\(unanswered) envelopes still unanswered after \(drainTimeout) s; they stay queued in \(folder)")
        }
        if let refusal = final.firstRefusal {
            throw CLIError(refusal.code, "\(final.rejected) readings were rejected or refused; the first: \(refusal.message)")
        }
    }
}

/// Set once, by Ctrl-C (or another of `signals`) or the end of the run.
///
/// `@unchecked Sendable`: `flag` is atomic, and `sources` are assigned once in `init` and otherwise
/// only cancelled (a dispatch source is safe to use from any thread).
final class StopSignal: @unchecked Sendable {
    private let flag = Atomic<Bool>(false)
    private let signals: [Int32]
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32] = [SIGINT]) {
        self.signals = signals
        var sources: [any DispatchSourceSignal] = []
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            sources.append(source)
        }
        self.sources = sources
        for source in sources {
            source.setEventHandler { [weak self] in self?.set() }
            source.resume()
        }
    }

    deinit {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }

    var isSet: Bool { flag.load(ordering: .relaxed) }

    func set() { flag.store(true, ordering: .relaxed) }
}
