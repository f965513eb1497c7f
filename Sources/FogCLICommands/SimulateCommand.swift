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
            if json {
                print(JSONValue.object(["error": .object(["code": .string(error.code), "message": .string(error.message)])]).rendered)
            } else {
                FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            }
            throw ExitCode(1)
        }
    }

    /// The key of device `index` of the fleet seeded with `seed`.
    static func deviceKey(seed: UInt64, index: Int) -> PrivateKey {
        let material = SHA256Hasher.hash(Array("fogledger-simulate/\(seed)/\(index)".utf8))
        // An Ed25519 seed is any 32 bytes.
        return try! PrivateKey(algorithm: .ed25519, seed: material.bytes)
    }

    private func simulate(_ progress: SimulationProgress) async throws(CLIError) {
        let scenario = SignalScenario(rawValue: scenario)!
        let link = try self.link.link()
        let chain = try await self.link.chainID(link)
        let keys = (0..<devices).map { Self.deviceKey(seed: seed, index: $0) }
        let firstSequences = try await prepare(keys, link: link, scenario: scenario)
        let folder = queue ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("fogledger-simulate-\(UUID().uuidString)").path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CLIError("io-error", "cannot create \(folder): \(error.localizedDescription)")
        }
        var agents: [DeviceAgent] = []
        for (index, key) in keys.enumerated() {
            let address = key.publicKey.address
            do throws(DeviceError) {
                agents.append(try DeviceAgent(
                    directory: "\(folder)/\(address.hex)", chainID: chain, signer: SoftwareSigner(key: key),
                    transport: self.link.transport(link, device: address),
                    configuration: DeviceAgentConfiguration(batch: BatchLimits(maxReadings: batch, maxAgeMillis: batchAge),
                                                            queue: self.link.queueLimits(link)),
                    nextSequenceAtLeast: firstSequences[index]))
            } catch {
                throw CLIError(error.code, error.message)
            }
        }
        let stats = SimulationStats()
        var followers: [Task<Void, Never>] = []
        for (index, agent) in agents.enumerated() {
            await agent.start()
            followers.append(Task { await stats.follow(agent.events, device: index) })
        }
        let stop = StopSignal()
        let start = ContinuousClock.now
        let reporter = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                if Task.isCancelled { break }
                progress.report(stats.snapshot(since: start), final: false)
            }
        }
        let startMillis = UInt64(Date().timeIntervalSince1970 * 1_000)
        let interval = Double(devices) / rate
        await withTaskGroup(of: Void.self) { group in
            for (index, agent) in agents.enumerated() {
                let seed = self.seed
                let duration = self.duration
                let rate = self.rate
                group.addTask {
                    var model = SignalModel(scenario: scenario, seed: seed, deviceIndex: index, startMillis: startMillis)
                    var count = 0.0
                    while !stop.isSet {
                        let due = start + .milliseconds(Int64((count * interval + Double(index) / rate) * 1_000))
                        if let duration, due - start >= .milliseconds(Int64(duration * 1_000)) { break }
                        try? await Task.sleep(until: due)
                        guard !stop.isSet else { break }
                        count += 1
                        let now = UInt64(Date().timeIntervalSince1970 * 1_000)
                        let value = model.next(atMillis: now)
                        do throws(DeviceError) {
                            let sequence = try await agent.record(timeMillis: now, content: .inline(value))
                            stats.recorded(device: index, sequence: sequence)
                        } catch {
                            stats.refused(error)
                        }
                    }
                }
            }
        }
        stop.set()
        var unanswered = 0
        await withTaskGroup(of: Int.self) { group in
            for agent in agents {
                let timeout = self.drainTimeout
                group.addTask {
                    _ = try? await agent.drain(timeout: .milliseconds(Int64(timeout * 1_000)))
                    return await agent.queuedEnvelopes
                }
            }
            for await left in group { unanswered += left }
        }
        for agent in agents { await agent.stop() }
        for follower in followers { await follower.value }
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

    /// Each device's first sequence number; registers the devices a node does not know yet.
    private func prepare(_ keys: [PrivateKey], link: DeviceLinkOptions.Link, scenario: SignalScenario)
        async throws(CLIError) -> [UInt64]
    {
        guard case .node(let base) = link else {
            // Over MQTT the ledger's records are out of sight: start at the wall clock in
            // milliseconds, above any earlier run's numbers while a device sends under 1,000/s.
            let now = UInt64(Date().timeIntervalSince1970 * 1_000)
            return keys.map { _ in now }
        }
        let client = NodeClient(base: base)
        var firsts: [UInt64] = []
        var unregistered: [PrivateKey] = []
        for key in keys {
            do throws(CLIError) {
                let record = try await client.getJSON("/v1/devices/\(key.publicKey.address.hex)")
                firsts.append((record["lastSequence"]?.uint64 ?? 0) + 1)
            } catch where error.code == "unknown-device" {
                firsts.append(1)
                unregistered.append(key)
            }
        }
        guard !unregistered.isEmpty else { return firsts }
        let (operatorKey, _) = try signer.signingKey()
        let chain = try await client.chainID()
        let operatorAddress = operatorKey.publicKey.address
        var nonce: UInt64
        if let given = signer.nonce { nonce = given } else { nonce = try await client.nonce(of: operatorAddress) }
        let type: String
        switch scenario {
        case .coldChain: type = "cold-chain-logger"
        case .wearables: type = "wearable"
        case .energy: type = "smart-meter"
        }
        var ids: [String] = []
        for key in unregistered {
            let envelope: [UInt8]
            do throws(ObjectError) {
                let registration = try DeviceRegistration(
                    publicKey: key.publicKey, deviceType: type, metadata: .map([CBORMapEntry(.text("simulated"), .bool(true))]))
                let transaction = try TransactionBody.registerDevice(registration)
                    .transaction(chainID: chain, signer: operatorAddress, nonce: nonce)
                envelope = try Signed.sign(transaction, with: operatorKey).bytes
            } catch {
                throw CLIError(error.code.description, error.detail)
            }
            ids.append(try await client.submit(envelope))
            nonce += 1
        }
        for id in ids {
            let committed = try await client.waitCommitted(id, timeout: 30)
            let code = committed["receipt"]?["code"]?.text ?? "unknown"
            guard code == "ok" else { throw CLIError(code, "registering a simulated device failed: receipt \(code)") }
        }
        return firsts
    }
}

/// Set once, by Ctrl-C or the end of the run.
///
/// `@unchecked Sendable`: `flag` is atomic, and `source` is assigned once in `init` and otherwise only
/// cancelled (a dispatch source is safe to use from any thread).
final class StopSignal: @unchecked Sendable {
    private let flag = Atomic<Bool>(false)
    private let source: any DispatchSourceSignal

    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in self?.set() }
        source.resume()
    }

    deinit {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }

    var isSet: Bool { flag.load(ordering: .relaxed) }

    func set() { flag.store(true, ordering: .relaxed) }
}
