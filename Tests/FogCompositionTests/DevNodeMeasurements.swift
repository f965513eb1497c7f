import FogCore
import FogCrypto
import FogTestSupport
import FogTypes
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Rough numbers for docs, not a benchmark with thresholds: run with FOGLEDGER_MEASURE=1.
/// A `fogledger node --dev` subprocess; eight devices post over HTTP, each its own readings in order.
@Suite(.heavy) struct DevNodeMeasurements {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FOGLEDGER_MEASURE"] != nil), .timeLimit(.minutes(5)))
    func ingestOverHTTP() async throws {
        let binary = try #require(DevNodeProcessTests.fogledger())
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("fogledger-node-measure-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("chain").path
        let (node, output) = try DevNodeProcessTests.start(binary, data: data)
        defer { if node.isRunning { kill(node.processIdentifier, SIGKILL) } }
        let api = try await DevNodeProcessTests.apiURL(node, output)
        let genesis = try Genesis.decode(Array(try Data(contentsOf: URL(fileURLWithPath: "\(data)/genesis.cbor"))))
        let operatorKey = try DevNodeProcessTests.readKey("\(data)/operator.key")
        let devices = (0..<8).map { try! PrivateKey(algorithm: .ed25519, seed: [UInt8(50 + $0)] + (1...31).map { UInt8($0) }) }
        var last = ""
        for (index, device) in devices.enumerated() {
            let registration = try Signed.sign(
                try TransactionBody.registerDevice(try DeviceRegistration(publicKey: device.publicKey, deviceType: "probe",
                                                                          metadata: .map([])))
                    .transaction(chainID: genesis.chainID, signer: operatorKey.publicKey.address, nonce: UInt64(index)),
                with: operatorKey).bytes
            last = try await DevNodeProcessTests.post(api, registration).0["id"] as? String ?? ""
        }
        try await DevNodeProcessTests.waitCommitted(api, last)
        func reading(_ device: PrivateKey, _ seq: UInt64) -> Reading {
            try! Reading(chainID: genesis.chainID, device: device.publicKey.address, sequence: seq,
                         timeMillis: 1_767_225_600_000 + seq, content: .inline(.float(20.5)))
        }

        // Latency: one reading at a time, submit → committed (polling every 1 ms).
        var latencies: [Double] = []
        for seq in UInt64(1)...100 {
            let envelope = try Signed.sign(reading(devices[0], seq), with: devices[0]).bytes
            let start = ContinuousClock.now
            let id = try await DevNodeProcessTests.post(api, envelope).0["id"] as? String ?? ""
            while true {
                let (body, _) = try await URLSession.shared.data(from: URL(string: "\(api)/v1/transactions/\(id)")!)
                if String(decoding: body, as: UTF8.self).contains("\"committed\"") { break }
                try await Task.sleep(for: .milliseconds(1))
            }
            latencies.append(Double((ContinuousClock.now - start).components.attoseconds) / 1e15
                             + Double((ContinuousClock.now - start).components.seconds) * 1000)
        }
        latencies.sort()

        // Throughput: single readings, 8 devices in parallel, 250 each; then batches of 50.
        func run(_ envelopes: [[[UInt8]]]) async throws -> (Double, Int) {
            let start = ContinuousClock.now
            let lastIDs = try await withThrowingTaskGroup(of: String.self) { group in
                for list in envelopes {
                    group.addTask {
                        var id = ""
                        for envelope in list {
                            let (object, status) = try await DevNodeProcessTests.post(api, envelope)
                            #expect(status == 202, "\(object)")
                            id = object["id"] as? String ?? id
                        }
                        return id
                    }
                }
                var ids: [String] = []
                for try await id in group { ids.append(id) }
                return ids
            }
            for id in lastIDs { try await DevNodeProcessTests.waitCommitted(api, id) }
            let elapsed = ContinuousClock.now - start
            return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                    envelopes.map(\.count).reduce(0, +))
        }
        let singles = devices.map { device in
            (UInt64(1_000)..<1_250).map { try! Signed.sign(reading(device, $0), with: device).bytes }
        }
        let (singleSeconds, singleCount) = try await run(singles)
        let batches = devices.map { device in
            (0..<25).map { round in
                let first = UInt64(10_000 + round * 50)
                return try! Signed.sign(
                    try! ReadingBatch(chainID: genesis.chainID, device: device.publicKey.address,
                                      readings: (first..<first + 50).map { reading(device, $0) }),
                    with: device).bytes
            }
        }
        let (batchSeconds, batchCount) = try await run(batches)
        let (body, _) = try await URLSession.shared.data(from: URL(string: "\(api)/v1/status")!)
        let size = (try? FileManager.default.attributesOfItem(atPath: "\(data)/ledger.sqlite")[.size] as? NSNumber)?.intValue ?? 0
        let wal = (try? FileManager.default.attributesOfItem(atPath: "\(data)/ledger.sqlite-wal")[.size] as? NSNumber)?.intValue ?? 0
        let readings = 100 + singleCount + batchCount * 50
        print("""
            MEASURE submit→commit latency (1 client, 100 readings): p50 \(latencies[49]) ms, p99 \(latencies[98]) ms
            MEASURE single readings: \(singleCount) in \(singleSeconds) s = \(Double(singleCount) / singleSeconds) readings/s (8 clients)
            MEASURE batches of 50: \(batchCount * 50) readings in \(batchSeconds) s = \(Double(batchCount * 50) / batchSeconds) readings/s (8 clients)
            MEASURE store: \(size + wal) bytes (db + wal) for \(readings) readings = \((size + wal) / readings) bytes/reading
            MEASURE status: \(String(decoding: body, as: UTF8.self))
            """)
        try await DevNodeProcessTests.terminate(node)
    }
}
