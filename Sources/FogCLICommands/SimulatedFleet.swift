import FogCore
import FogCrypto
import FogDevice
import FogDeviceKit
import FogTypes
import Foundation

/// A seeded fleet of simulated devices: their keys, their registration on a node, and their device
/// agents sending realistic readings (`SignalModel`) at a fleet-wide rate. `fogledger simulate` and
/// `fogledger demo` both run one.
struct SimulatedFleet: Sendable {
    /// The signals the devices measure.
    let scenario: SignalScenario
    /// Seed of the device keys and signals.
    let seed: UInt64
    /// Readings per second, for the whole fleet.
    let rate: Double
    /// One agent per device, in device order.
    let agents: [DeviceAgent]
    /// Counters and latencies fed by the agents' events.
    let stats = SimulationStats()

    /// The key of device `index` of the fleet seeded with `seed`.
    static func deviceKey(seed: UInt64, index: Int) -> PrivateKey {
        let material = SHA256Hasher.hash(Array("fogledger-simulate/\(seed)/\(index)".utf8))
        // An Ed25519 seed is any 32 bytes.
        return try! PrivateKey(algorithm: .ed25519, seed: material.bytes)
    }

    /// The device type a scenario's devices register with.
    static func deviceType(_ scenario: SignalScenario) -> String {
        switch scenario {
        case .coldChain: "cold-chain-logger"
        case .wearables: "wearable"
        case .energy: "smart-meter"
        }
    }

    /// Each key's first sequence number on the node at `client`; registers, signed by the key
    /// `operatorKey` gives (asked only when a device is unknown), the devices the node does not know
    /// yet and waits for their commits.
    ///
    /// - Parameter nonce: the operator's next nonce (default: fetched from the node).
    static func register(_ keys: [PrivateKey], client: NodeClient, operatorKey: () throws(CLIError) -> PrivateKey,
                         nonce given: UInt64?,
                         scenario: SignalScenario) async throws(CLIError) -> [UInt64] {
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
        let operatorKey = try operatorKey()
        let chain = try await client.chainID()
        let operatorAddress = operatorKey.publicKey.address
        var nonce: UInt64
        if let given { nonce = given } else { nonce = try await client.nonce(of: operatorAddress) }
        var envelopes: [[UInt8]] = []
        for key in unregistered {
            let envelope: [UInt8]
            do throws(ObjectError) {
                let registration = try DeviceRegistration(
                    publicKey: key.publicKey, deviceType: deviceType(scenario),
                    metadata: .map([CBORMapEntry(.text("simulated"), .bool(true))]))
                let transaction = try TransactionBody.registerDevice(registration)
                    .transaction(chainID: chain, signer: operatorAddress, nonce: nonce)
                envelope = try Signed.sign(transaction, with: operatorKey).bytes
            } catch {
                throw CLIError(error.code.description, error.detail)
            }
            envelopes.append(envelope)
            nonce += 1
        }
        // One request for all of them (in nonce order); a refusal fails the fleet's start.
        let ids = try await client.submitAll(envelopes).map { result throws(CLIError) in try result.get() }
        for id in ids {
            let committed = try await client.waitCommitted(id, timeout: 30)
            let code = committed["receipt"]?["code"]?.text ?? "unknown"
            guard code == "ok" else { throw CLIError(code, "registering a simulated device failed: receipt \(code)") }
        }
        return firsts
    }

    /// Opens one agent per key, each with its queue in `folder`/ADDRESS and the transport
    /// `transport(index, address)` gives it.
    init(keys: [PrivateKey], chainID: ChainID, scenario: SignalScenario, seed: UInt64, rate: Double,
         folder: String, configuration: DeviceAgentConfiguration, firstSequences: [UInt64],
         transport: (Int, Address) -> any DeviceTransport) throws(CLIError) {
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
                    directory: "\(folder)/\(address.hex)", chainID: chainID, signer: SoftwareSigner(key: key),
                    transport: transport(index, address), configuration: configuration,
                    nextSequenceAtLeast: firstSequences[index]))
            } catch {
                throw CLIError(error.code, error.message)
            }
        }
        self.scenario = scenario
        self.seed = seed
        self.rate = rate
        self.agents = agents
    }

    /// Starts every agent; the returned tasks count their events until `stop()` ends them.
    func start() async -> [Task<Void, Never>] {
        var followers: [Task<Void, Never>] = []
        for (index, agent) in agents.enumerated() {
            await agent.start()
            let stats = self.stats
            followers.append(Task { await stats.follow(agent.events, device: index) })
        }
        return followers
    }

    /// Takes and records readings, each device in turn at the fleet's rate, from `start` until `stop`
    /// is set or `duration` seconds have passed.
    func send(from start: ContinuousClock.Instant, until stop: StopSignal, duration: Double?) async {
        let startMillis = UInt64(Date().timeIntervalSince1970 * 1_000)
        let interval = Double(agents.count) / rate
        await withTaskGroup(of: Void.self) { group in
            for (index, agent) in agents.enumerated() {
                let (scenario, seed, rate, stats) = (self.scenario, self.seed, self.rate, self.stats)
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
    }

    /// Waits (at most `timeout` seconds) for the ledger to answer what every agent queued; returns
    /// the envelopes still unanswered.
    func drain(timeout: Double) async -> Int {
        var unanswered = 0
        await withTaskGroup(of: Int.self) { group in
            for agent in agents {
                group.addTask {
                    _ = try? await agent.drain(timeout: .milliseconds(Int64(timeout * 1_000)))
                    return await agent.queuedEnvelopes
                }
            }
            for await left in group { unanswered += left }
        }
        return unanswered
    }

    /// Stops every agent (what is queued stays on disk) and waits for `followers` to end.
    func stop(followers: [Task<Void, Never>]) async {
        for agent in agents { await agent.stop() }
        for follower in followers { await follower.value }
    }
}
