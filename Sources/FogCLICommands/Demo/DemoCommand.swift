import ArgumentParser
import FogDevice
import FogTypes
import Foundation

/// `fogledger demo`: FogLedger end to end on this machine, in one command.
///
/// By default it runs a temporary network of validator processes with a simulated fleet, kills and
/// restarts one validator midway, and ends by verifying a random reading's proof offline
/// (`NetworkDemo`). `--foundation` runs the in-process tour of keys, signatures, batches and Merkle
/// proofs instead, which needs no ports or processes (`FoundationDemo`).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a local validator network with a simulated device fleet, live, then verify a proof offline.",
        discussion: """
            Creates a network in a temporary folder (fogledger init), starts each validator as a \
            `fogledger node --home` process on embedded SQLite storage, registers the fleet and feeds \
            it (over MQTT through a Mosquitto broker of its own when mosquitto is installed and \
            node0 runs its gateway, else over HTTP spread over the validators), shows progress, \
            kills one validator with SIGKILL and restarts it midway, and at the end (or on Ctrl-C) \
            verifies a random committed reading's proof against the genesis and prints a summary. \
            Every process it starts is stopped before it exits. Exit status 1 when a check fails.
            """)

    @Option(name: .long, help: "Validators, each its own process (1-\(InitCommand.maxValidators)).")
    var validators: Int = 4

    @Option(name: .long, help: "Simulated devices (default 200; 12 with --foundation).")
    var devices: Int?

    @Option(name: .long, help: "Seconds the fleet sends.")
    var duration: Double = 45

    @Option(name: .long, help: "Readings per second, for the whole fleet.")
    var rate: Double = 20

    @Option(name: .long, help: "cold-chain, wearables or energy.")
    var scenario: String = SignalScenario.coldChain.rawValue

    @Option(name: .long, help: "How devices send: auto (MQTT when possible, else HTTP), http or mqtt.")
    var transport: String = DemoTransport.auto.rawValue

    @Option(name: .long, help: "Keep the network in this folder (must not exist or be empty) instead of a temporary one.")
    var keep: String?

    @Flag(name: .long, help: "Run the in-process foundation demo (keys, signatures, batches, Merkle proofs) instead.")
    var foundation = false

    @Option(name: .long, help: "With --foundation: readings each device takes.")
    var readings: Int = 100

    @Option(name: .long, help: "With --foundation: readings per batch signature.")
    var batch: Int = 50

    @Option(name: .long, help: "With --foundation: seed of the simulated fleet (default: random).")
    var seed: UInt64?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if foundation {
            guard (1...300).contains(devices ?? 12) else { throw ValidationError("--devices must be 1–300") }
            guard (1...10_000).contains(readings) else { throw ValidationError("--readings must be 1–10000") }
            guard (1...ObjectLimits.maxBatchReadings).contains(batch) else {
                throw ValidationError("--batch must be 1–\(ObjectLimits.maxBatchReadings)")
            }
            return
        }
        guard (1...InitCommand.maxValidators).contains(validators) else {
            throw ValidationError("--validators must be 1–\(InitCommand.maxValidators)")
        }
        guard (1...10_000).contains(devices ?? 200) else { throw ValidationError("--devices must be 1–10000") }
        guard duration > 0, duration <= 86_400 else { throw ValidationError("--duration must be above 0 and at most 86400") }
        guard rate > 0, rate <= 100_000 else { throw ValidationError("--rate must be above 0 and at most 100000") }
        guard SignalScenario(rawValue: scenario) != nil else {
            throw ValidationError("--scenario must be one of \(SignalScenario.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard DemoTransport(rawValue: transport) != nil else {
            throw ValidationError("--transport must be one of \(DemoTransport.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        if foundation {
            let seed = self.seed ?? UInt64.random(in: 0...UInt64.max)
            try runReporting(output) {
                let report = try FoundationDemo(devices: devices ?? 12, readingsPerDevice: readings, batchSize: batch, seed: seed)
                    .run(progress: output.json ? { _ in } : { print($0) })
                return (report.summary, report.json)
            }
            return
        }
        let stop = StopSignal(signals: [SIGINT, SIGTERM])
        let display = DemoDisplay(interactive: isatty(STDOUT_FILENO) == 1 && !output.json, silent: output.json)
        let demo = NetworkDemo(
            validators: validators, devices: devices ?? 200, duration: duration, rate: rate,
            scenario: SignalScenario(rawValue: scenario)!, transport: DemoTransport(rawValue: transport)!, keep: keep,
            display: display)
        var succeeded = false
        try await runReportingAsync(output) {
            let report = try await demo.run(stop: stop)
            succeeded = report.succeeded
            return (report.text, report.json)
        }
        if !succeeded { throw ExitCode(1) }
    }
}
