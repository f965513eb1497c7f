import FogCrypto
import FogDevice
import FogDeviceKit
import FogNode
import FogTypes
import Foundation

/// How the simulated devices reach the validators.
enum DemoTransport: String, CaseIterable, Sendable {
    /// MQTT when a mosquitto executable is installed and node0 runs its gateway, else HTTP.
    case auto
    /// Each device POSTs to one validator's API, the fleet spread over all of them.
    case http
    /// Every device publishes to the demo's own Mosquitto broker; node0's gateway submits.
    case mqtt
}

/// `fogledger demo`: a temporary local network of validator processes, a simulated fleet sending to
/// it, one validator killed and restarted midway, and at the end an offline proof check and a
/// summary. Every process it starts is stopped when it ends, fails or is interrupted.
struct NetworkDemo {
    let validators: Int
    let devices: Int
    let duration: Double
    let rate: Double
    let scenario: SignalScenario
    let transport: DemoTransport
    /// The folder to keep the network in (default: a temporary folder, removed at the end).
    let keep: String?
    let display: DemoDisplay

    /// Fractions of the duration at which a validator is killed and restarted.
    static let killAt = 0.35
    static let restartAt = 0.55
    /// Seconds the nodes get to come up and commit their first block.
    static let startTimeout = 90.0
    /// Seconds the fleet gets, once sending stops, for its last answers.
    static let drainTimeout = 20.0
    /// Seconds the restarted validator gets, after the fleet stopped, to catch up.
    static let catchUpTimeout = 30.0
    /// Seconds a validator gets to stop on SIGTERM before SIGKILL.
    static let stopGrace = 10.0
    /// How often a device over HTTP asks for its pending envelope's commit: every 20 ms (the SDK's
    /// default) from hundreds of devices would load the validators more than the readings do; the
    /// finality the devices measure is up to this much late.
    static let commitPollMillis: Int64 = 250
    /// Seconds the MQTT probe reading gets to be committed.
    static let probeTimeout = 8.0

    /// Runs the whole demo and returns its report; `stop` ends the fleet early (Ctrl-C, SIGTERM).
    func run(stop: StopSignal) async throws -> DemoReport {
        let folder = keep ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("fogledger-demo-\(UUID().uuidString)").path
        let ports = try FreePorts.take(2 * validators)
        let network = try LocalNetworkSetup(
            validators: validators, mode: .poa, chainID: try ChainID("fog-demo"),
            nodes: (0..<validators).map {
                LocalNetworkSetup.NodeAddress(host: "127.0.0.1", p2pPort: ports[2 * $0], httpPort: ports[2 * $0 + 1])
            },
            commitDelayMs: ValidatorNodeConfiguration().timeouts.commitDelay
        ).write(to: folder)
        var broker: LocalBroker?
        var nodes: [DemoValidator] = []
        defer {
            for node in nodes { node.process.stop(grace: Self.stopGrace) }
            broker?.process.stop(grace: 2)
            if keep == nil { try? FileManager.default.removeItem(atPath: folder) }
        }
        display.message("""
            FogLedger demo: \(validators) validators (PoA, BFT consensus, SQLite storage) as separate processes, \
            \(devices) simulated \(scenario.rawValue) devices, \(Int(duration)) s
            network folder: \(folder)\(keep == nil ? " (removed at the end; --keep DIR keeps it)" : "")
            """)
        if transport != .http {
            if let executable = LocalBroker.executable() {
                broker = try await LocalBroker.start(executable: executable, folder: folder)
            } else if transport == .mqtt {
                throw CLIError("unavailable", "--transport mqtt needs a mosquitto executable (apt-get install mosquitto)")
            }
        }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        for (index, home) in network.nodeFolders.enumerated() {
            var arguments = ["node", "--home", home, "--log-level", "warning"]
            // One gateway, on node0 (the demo kills the last validator, never node0): a device's
            // readings then reach the ledger in the order it sent them, which its strictly increasing
            // sequence numbers require. Gateways on several validators of one broker would deliver a
            // device's readings through different mempools, where a later one can overtake an earlier.
            if let broker, index == 0 {
                arguments += ["--mqtt", broker.url, "--mqtt-client-id", "fogledger-gateway-\(NetworkLayout.nodeName(index))"]
            }
            let config = try ValidatorNodeConfig.read(home: home)
            nodes.append(DemoValidator(
                name: config.name, folder: home, api: "http://\(config.httpHost):\(config.httpPort)",
                process: ChildProcess(name: config.name, executable: executable, arguments: arguments,
                                      logPath: "\(home)/\(NodeProcess.logFile)")))
        }
        for node in nodes { try node.process.start() }
        var monitor = NetworkMonitor(validators: nodes)
        var startFailure: CLIError?
        do throws(CLIError) {
            try await waitForFirstBlock(monitor, stop: stop)
        } catch {
            startFailure = error
        }
        if let failure = startFailure {
            // A validator that exits at once refused --mqtt: without the gateway, devices use HTTP.
            guard failure.code == "node-failed", broker != nil, transport == .auto else { throw failure }
            display.message("a validator exited with --mqtt (\(failure.message.split(separator: "\n").last ?? "")); "
                            + "starting the validators without it, devices use HTTP")
            for node in nodes { node.process.stop(grace: Self.stopGrace) }
            broker?.process.stop(grace: 2)
            broker = nil
            nodes = nodes.map { node in
                DemoValidator(name: node.name, folder: node.folder, api: node.api,
                              process: ChildProcess(name: node.name, executable: executable,
                                                    arguments: ["node", "--home", node.folder, "--log-level", "warning"],
                                                    logPath: "\(node.folder)/\(NodeProcess.logFile)"))
            }
            for node in nodes { try node.process.start() }
            monitor = NetworkMonitor(validators: nodes)
            try await waitForFirstBlock(monitor, stop: stop)
        }
        display.message("validators up: " + nodes.map { "\($0.name) \($0.api)" }.joined(separator: ", "))

        // The fleet: registered by the genesis operator, then each device on a validator of its own.
        let keys = (0..<devices).map { SimulatedFleet.deviceKey(seed: 1, index: $0) }
        let probeKey = SimulatedFleet.deviceKey(seed: 1, index: devices)
        display.message("registering \(devices) devices …")
        let firsts = try await SimulatedFleet.register(
            keys + (broker == nil ? [] : [probeKey]), client: NodeClient(base: nodes[0].api), operatorKey: { network.operatorKey }, nonce: nil,
            scenario: scenario)
        let queues = "\(folder)/device-queues"
        var mqtt: BrokerAddress?
        if let broker {
            display.message("mosquitto runs on 127.0.0.1:\(broker.port); checking that a reading published there is committed …")
            if try await mqttDelivers(broker, probeKey: probeKey, chainID: network.genesis.chainID, queues: queues) {
                mqtt = BrokerAddress(url: broker.url)
            } else if transport == .mqtt {
                throw CLIError("unavailable", "a reading published to the broker was not committed within \(Int(Self.probeTimeout)) s: node0 runs no MQTT gateway")
            } else {
                display.message("a reading published to mosquitto was not committed: node0 runs no MQTT gateway; devices use HTTP")
            }
        }
        let transportText = mqtt.map { "MQTT (mosquitto on 127.0.0.1:\($0.port), node0's gateway)" }
            ?? "HTTP (spread over the \(validators) validators' APIs)"
        display.message("devices send over \(transportText)")
        let fleet = try SimulatedFleet(
            keys: keys, chainID: network.genesis.chainID, scenario: scenario, seed: 1, rate: rate, folder: queues,
            // One reading per envelope: finality is then each reading's own, not a batch's wait.
            // and a tick of 250 ms: with single readings it only times out unanswered envelopes, and
            // hundreds of agents ticking every 20 ms would take the demo's own cores.
            configuration: DeviceAgentConfiguration(batch: .single, queue: QueueLimits(inflightWindow: mqtt == nil ? 1 : 32),
                                                    tickMillis: 250),
            firstSequences: Array(firsts.prefix(devices))
        ) { index, address in
            if let mqtt { return MQTTTransport(broker: mqtt, device: address) }
            return HTTPTransport(base: nodes[index % nodes.count].api, pollInterval: .milliseconds(Self.commitPollMillis))
        }
        let followers = await fleet.start()
        let start = ContinuousClock.now
        monitor.startClock(at: start)
        let sending = Task { await fleet.send(from: start, until: stop, duration: duration) }
        let schedule = validators > 1
            ? RestartSchedule(validator: validators - 1, monitor: monitor, start: start, killAt: duration * Self.killAt,
                              restartAt: duration * Self.restartAt, stop: stop)
            : nil
        defer {
            // On every way out, the schedule ends before the validators are stopped.
            stop.set()
            try? schedule?.finish()
        }
        while !stop.isSet, Self.seconds(since: start) < duration {
            await monitor.refresh()
            display.show(monitor, stats: fleet.stats.snapshot(since: start), phase: "running", transport: transportText)
            try? await Task.sleep(for: .seconds(1))
        }
        stop.set()
        // A validator killed when the run ended is started again now.
        try schedule?.finish()
        await sending.value
        display.show(monitor, stats: fleet.stats.snapshot(since: start), phase: "draining the devices' queues",
                     transport: transportText)
        let unanswered = await fleet.drain(timeout: Self.drainTimeout)
        await fleet.stop(followers: followers)
        let final = fleet.stats.snapshot(since: start)
        // The restarted validator gets a little longer to catch up, and every validator to reach the
        // height that holds the fleet's last answered reading, so that each one is counted whole.
        await monitor.refresh()
        let lastHeight = monitor.nodes.map(\.height).max() ?? 0
        let deadline = ContinuousClock.now + .seconds(Self.catchUpTimeout)
        while ContinuousClock.now < deadline,
              monitor.restart.map({ $0.catchUpSeconds == nil }) ?? false
                || monitor.nodes.contains(where: { $0.state != .down && $0.height < lastHeight }) {
            display.show(monitor, stats: final, phase: "waiting for every validator to reach height \(lastHeight)",
                         transport: transportText)
            try? await Task.sleep(for: .milliseconds(500))
            await monitor.refresh()
        }
        display.show(monitor, stats: final, phase: "checking", transport: transportText)
        display.finish()
        return try await DemoReport.make(
            monitor: monitor, fleet: final, keys: keys, firstSequences: Array(firsts.prefix(devices)),
            genesis: network.genesis, transport: mqtt == nil ? "http" : "mqtt", unanswered: unanswered,
            folder: folder, kept: keep != nil, interrupted: Self.seconds(since: start) < duration)
    }

    /// Waits until every validator answers and the chain has a block.
    private func waitForFirstBlock(_ monitor: NetworkMonitor, stop: StopSignal) async throws(CLIError) {
        let deadline = ContinuousClock.now + .seconds(Self.startTimeout)
        while ContinuousClock.now < deadline {
            if stop.isSet { throw CLIError("interrupted", "interrupted before the network was up") }
            await monitor.refresh()
            let nodes = monitor.nodes
            if let dead = nodes.indices.first(where: { nodes[$0].state == .down }) {
                let node = monitor.validators[dead]
                throw CLIError("node-failed", "\(node.name) exited: \(node.process.logTail())")
            }
            if nodes.allSatisfy({ $0.state == .up && $0.height >= 1 }) { return }
            try? await Task.sleep(for: .milliseconds(250))
        }
        throw CLIError("timeout", "the validators did not all commit a first block within \(Int(Self.startTimeout)) s")
    }

    /// Whether a reading of `probeKey` published to the broker gets committed.
    private func mqttDelivers(_ broker: LocalBroker, probeKey: PrivateKey, chainID: ChainID, queues: String)
        async throws(CLIError) -> Bool
    {
        guard let address = BrokerAddress(url: broker.url) else { return false }
        do {
            try FileManager.default.createDirectory(atPath: queues, withIntermediateDirectories: true)
        } catch {
            throw CLIError("io-error", "cannot create \(queues): \(error.localizedDescription)")
        }
        let agent: DeviceAgent
        do throws(DeviceError) {
            agent = try DeviceAgent(
                directory: "\(queues)/probe-\(probeKey.publicKey.address.hex)", chainID: chainID,
                signer: SoftwareSigner(key: probeKey), transport: MQTTTransport(broker: address, device: probeKey.publicKey.address))
        } catch {
            throw CLIError(error.code, error.message)
        }
        let committed = Task { () -> Bool in
            for await event in agent.events { if case .committed = event { return true } }
            return false
        }
        await agent.start()
        do throws(DeviceError) {
            try await agent.record(timeMillis: UInt64(Date().timeIntervalSince1970 * 1_000), content: .inline(.unsigned(0)))
            _ = try await agent.drain(timeout: .seconds(Self.probeTimeout))
        } catch {
            await agent.stop()
            throw CLIError(error.code, error.message)
        }
        await agent.stop()
        return await committed.value
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - start).inSeconds
    }
}
