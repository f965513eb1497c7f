import FogCrypto
import FogTypes
import Foundation

/// What the demo showed at its end, checked against the validators themselves: each one's count of
/// the fleet's committed readings, their blocks at a common height, a random reading's proof
/// verified offline against the genesis, and the restarted validator's catch-up.
struct DemoReport {
    /// One validator at the end.
    struct Validator {
        let name: String
        let api: String
        let state: NetworkMonitor.NodeState
        let height: UInt64
        /// The fleet's readings in its latest state (the sum of the devices' last sequence numbers).
        let readings: UInt64?
        /// Its block id at the common height.
        let blockID: String?
    }

    /// The offline check of one reading's proof.
    struct Proof {
        let device: String
        let sequence: UInt64
        let from: String
        let verified: Bool
        let height: UInt64?
        let blockID: String?
        let bytes: Int
        let detail: String
    }

    let validators: [Validator]
    let commonHeight: UInt64
    let identicalBlocks: Bool
    let fleet: SimulationStats.Snapshot
    let transactions: Int
    let transport: String
    let unanswered: Int
    let restart: NetworkMonitor.Restart?
    let proof: Proof?
    let events: [NetworkMonitor.Event]
    let folder: String
    let kept: Bool
    let interrupted: Bool

    /// Asks every running validator for what the report needs.
    static func make(monitor: NetworkMonitor, fleet: SimulationStats.Snapshot, keys: [PrivateKey], firstSequences: [UInt64],
                     genesis: Genesis, transport: String, unanswered: Int, folder: String, kept: Bool, interrupted: Bool)
        async throws -> DemoReport
    {
        let nodes = monitor.nodes
        let running = monitor.validators.indices.filter { nodes[$0].state != .down && nodes[$0].state != .starting }
        let commonHeight = running.map { nodes[$0].height }.min() ?? 0
        var validators: [Validator] = []
        var blockIDs: Set<String> = []
        for (index, validator) in monitor.validators.enumerated() {
            let client = NodeClient(base: validator.api)
            var readings: UInt64?
            var blockID: String?
            if running.contains(index) {
                readings = await Self.readings(of: keys, firstSequences: firstSequences, client: client)
                if commonHeight > 0 { blockID = try? await client.getJSON("/v1/blocks/\(commonHeight)")["id"]?.text }
                blockIDs.insert(blockID ?? "?")
            }
            validators.append(Validator(name: validator.name, api: validator.api, state: nodes[index].state,
                                        height: nodes[index].height, readings: readings, blockID: blockID))
        }
        let proof = await Self.proveRandomReading(keys: keys, firstSequences: firstSequences, genesis: genesis,
                                                  validators: running.map { monitor.validators[$0] })
        return DemoReport(
            validators: validators, commonHeight: commonHeight,
            identicalBlocks: running.count == monitor.validators.count && blockIDs.count == 1 && !blockIDs.contains("?"),
            fleet: fleet, transactions: monitor.transactionsCounted, transport: transport, unanswered: unanswered,
            restart: monitor.restart, proof: proof, events: monitor.events, folder: folder, kept: kept,
            interrupted: interrupted)
    }

    /// Requests in flight at once when counting a validator's readings.
    static let countingConcurrency = 16

    /// The fleet's readings a validator holds: for each device, its record's last sequence number less
    /// the sequence numbers before the run. Nil when a device record cannot be read.
    private static func readings(of keys: [PrivateKey], firstSequences: [UInt64], client: NodeClient) async -> UInt64? {
        await withTaskGroup(of: UInt64?.self) { group in
            var total: UInt64? = 0
            var next = 0
            func add() {
                let index = next
                next += 1
                group.addTask {
                    let record = try? await client.getJSON("/v1/devices/\(keys[index].publicKey.address.hex)")
                    guard let last = record?["lastSequence"]?.uint64 else { return nil }
                    return last + 1 - min(last + 1, firstSequences[index])
                }
            }
            while next < min(keys.count, countingConcurrency) { add() }
            for await count in group {
                if let count, let sum = total { total = sum + count } else { total = nil }
                if next < keys.count { add() }
            }
            return total
        }
    }

    /// Fetches the proof of a random committed reading from a random validator and verifies it
    /// offline, trusting only `genesis`.
    private static func proveRandomReading(keys: [PrivateKey], firstSequences: [UInt64], genesis: Genesis,
                                           validators: [DemoValidator]) async -> Proof? {
        guard let source = validators.randomElement() else { return nil }
        let client = NodeClient(base: source.api)
        for index in keys.indices.shuffled().prefix(20) {
            let device = keys[index].publicKey.address.hex
            guard let last = try? await client.getJSON("/v1/devices/\(device)")["lastSequence"]?.uint64,
                  last >= firstSequences[index]
            else { continue }
            let sequence = UInt64.random(in: firstSequences[index]...last)
            let bytes: [UInt8]
            do {
                bytes = try await client.getCBOR("/v1/readings/\(device)/\(sequence)/proof")
            } catch {
                return Proof(device: device, sequence: sequence, from: source.name, verified: false, height: nil, blockID: nil,
                             bytes: 0, detail: "fetching the proof failed: \(error.message)")
            }
            do {
                guard case .reading(let verified) = try ProofVerification.verify(bytes, genesis: genesis) else {
                    return Proof(device: device, sequence: sequence, from: source.name, verified: false, height: nil,
                                 blockID: nil, bytes: bytes.count, detail: "the node served a state proof")
                }
                let matches = verified.reading.device.hex == device && verified.reading.sequence == sequence
                let value: String
                switch verified.reading.content {
                case .inline(let cbor): value = JSONValue(cbor: cbor).rendered
                case .payload(let hash, let type): value = "payload \(hash.hex) (\(type))"
                }
                return Proof(device: device, sequence: sequence, from: source.name, verified: matches,
                             height: verified.height, blockID: verified.blockID.hex, bytes: bytes.count,
                             detail: matches ? value : "the proof is of another reading")
            } catch {
                return Proof(device: device, sequence: sequence, from: source.name, verified: false, height: nil, blockID: nil,
                             bytes: bytes.count, detail: "\(error)")
            }
        }
        return nil
    }

    /// Whether everything the demo set out to show held.
    var succeeded: Bool {
        validators.allSatisfy { ($0.readings ?? 0) > 0 } && identicalBlocks && proof?.verified == true
            && (restart == nil || restart?.catchUpSeconds != nil) && fleet.committed > 0
    }

    var text: String {
        var lines: [String] = []
        let seconds = max(fleet.seconds, 0.001)
        lines.append(interrupted ? "Summary (interrupted after \(DemoDisplay.number(fleet.seconds, 1)) s)" : "Summary")
        let resent = fleet.alreadyRecorded > 0 ? " (+\(fleet.alreadyRecorded) found already committed when resent)" : ""
        lines.append("  devices sent over \(transport.uppercased()): \(fleet.recorded) readings taken, \(fleet.committed) committed\(resent) "
                     + "(\(DemoDisplay.number(Double(fleet.committed) / seconds, 1))/s), \(fleet.rejected) rejected, "
                     + "\(unanswered) envelopes unanswered")
        if let refusal = fleet.firstRefusal {
            lines.append("  first rejection: \(refusal.code): \(refusal.message)")
        }
        if let p50 = fleet.p50Millis {
            lines.append("  finality (reading recorded → commit known to the device): p50 \(DemoDisplay.millis(p50)), "
                         + "p99 \(DemoDisplay.millis(fleet.p99Millis ?? p50))")
        }
        lines.append("  transactions committed: \(transactions)")
        lines.append("  readings of the fleet held by each validator:")
        for validator in validators {
            let readings = validator.readings.map { "\($0)" } ?? "-"
            lines.append("    \(validator.name)  \(DemoDisplay.label(validator.state))  height \(validator.height)  readings \(readings)")
        }
        let ids = Set(validators.compactMap(\.blockID))
        let answering = validators.filter { $0.blockID != nil }
        if identicalBlocks {
            lines.append("  block \(commonHeight): id \(ids.first ?? "?") on all \(validators.count) validators")
        } else if ids.count == 1 {
            lines.append("  block \(commonHeight): id \(ids.first ?? "?") on the \(answering.count) validators that answered; "
                         + validators.filter { $0.blockID == nil }.map { "\($0.name) did not" }.joined(separator: ", "))
        } else {
            lines.append("  block \(commonHeight): NOT identical across validators: "
                         + validators.map { "\($0.name) \($0.blockID ?? "-")" }.joined(separator: ", "))
        }
        if let restart {
            let name = validators[restart.node].name
            if let catchUp = restart.catchUpSeconds, let height = restart.caughtUpAtHeight {
                lines.append("  \(name): killed at height \(restart.heightAtKill), restarted with the others at "
                             + "\(restart.networkHeightAtRestart ?? 0), caught up at height \(height) in \(DemoDisplay.number(catchUp, 1)) s")
            } else {
                lines.append("  \(name): killed at height \(restart.heightAtKill); it did NOT catch up")
            }
        }
        if let proof {
            if proof.verified {
                lines.append("  proof: reading \(proof.sequence) of device \(proof.device) (value \(proof.detail)), "
                             + "fetched from \(proof.from) (\(proof.bytes) bytes), verified offline against the genesis: "
                             + "block \(proof.height ?? 0) \(proof.blockID ?? "")")
            } else {
                lines.append("  proof: reading \(proof.sequence) of device \(proof.device) did NOT verify: \(proof.detail)")
            }
        } else {
            lines.append("  proof: no committed reading to prove")
        }
        lines.append("  the API was served at " + validators.map(\.api).joined(separator: ", ")
                     + " (routes: /openapi.yaml); every process the demo started is stopped")
        if kept {
            lines.append("  the network is kept in \(folder): fogledger network up --home \(folder)")
        }
        lines.append(succeeded ? "Everything checked out." : "Something did not check out: see above.")
        return lines.joined(separator: "\n")
    }

    var json: JSONValue {
        var members: [String: JSONValue] = [
            "transport": .string(transport),
            "seconds": .double(fleet.seconds),
            "readingsSent": .uint(UInt64(fleet.recorded)),
            "readingsCommitted": .uint(UInt64(fleet.committed)),
            "readingsAlreadyRecorded": .uint(UInt64(fleet.alreadyRecorded)),
            "readingsRejected": .uint(UInt64(fleet.rejected)),
            "unanswered": .uint(UInt64(unanswered)),
            "transactionsCommitted": .uint(UInt64(transactions)),
            "commonHeight": .uint(commonHeight),
            "identicalBlocks": .bool(identicalBlocks),
            "interrupted": .bool(interrupted),
            "succeeded": .bool(succeeded),
            "validators": .array(validators.map { validator in
                var object: [String: JSONValue] = [
                    "name": .string(validator.name), "api": .string(validator.api),
                    "state": .string(DemoDisplay.label(validator.state)), "height": .uint(validator.height),
                ]
                if let readings = validator.readings { object["readings"] = .uint(readings) }
                if let id = validator.blockID { object["blockID"] = .string(id) }
                return .object(object)
            }),
            "events": .array(events.map { .object(["seconds": .double($0.seconds), "text": .string($0.text)]) }),
        ]
        if let refusal = fleet.firstRefusal {
            members["firstRejection"] = .object(["code": .string(refusal.code), "message": .string(refusal.message)])
        }
        if let p50 = fleet.p50Millis {
            members["finalityMs"] = .object(["p50": .double(p50), "p99": .double(fleet.p99Millis ?? p50)])
        }
        if let restart {
            var object: [String: JSONValue] = [
                "node": .string(validators[restart.node].name), "heightAtKill": .uint(restart.heightAtKill),
                "caughtUp": .bool(restart.catchUpSeconds != nil),
            ]
            if let height = restart.networkHeightAtRestart { object["networkHeightAtRestart"] = .uint(height) }
            if let seconds = restart.catchUpSeconds { object["catchUpSeconds"] = .double(seconds) }
            if let height = restart.caughtUpAtHeight { object["caughtUpAtHeight"] = .uint(height) }
            members["restart"] = .object(object)
        }
        if let proof {
            var object: [String: JSONValue] = [
                "device": .string(proof.device), "sequence": .uint(proof.sequence), "from": .string(proof.from),
                "verified": .bool(proof.verified), "bytes": .uint(UInt64(proof.bytes)), "detail": .string(proof.detail),
            ]
            if let height = proof.height { object["height"] = .uint(height) }
            if let id = proof.blockID { object["blockID"] = .string(id) }
            members["proof"] = .object(object)
        }
        if kept { members["folder"] = .string(folder) }
        return .object(members)
    }
}
