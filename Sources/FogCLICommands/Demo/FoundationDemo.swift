import FogCore
import FogCrypto
import FogMerkle
import FogTypes
import Foundation

/// The foundation demo's work, apart from its command so tests can run it.
struct FoundationDemo {
    let devices: Int
    let readingsPerDevice: Int
    let batchSize: Int
    let seed: UInt64

    /// What the demo measured.
    struct Report {
        var summary: String
        var json: JSONValue
    }

    private struct Device {
        let key: PrivateKey
        var sequence: UInt64 = 0
    }

    func run(progress: (String) -> Void) throws -> Report {
        var rng = SplitMix64(seed: seed)
        let chain = try ChainID(DefaultChain.id)
        let algorithms = SignatureAlgorithm.allCases
        var fleet = (0..<devices).map { Device(key: PrivateKey.generate(algorithms[$0 % algorithms.count], using: &rng)) }
        progress("FogLedger foundation demo — chain \(chain), \(devices) devices, seed \(seed)")
        for device in fleet.prefix(algorithms.count) {
            progress("  device \(device.key.publicKey.address)  \(device.key.algorithm)  \(device.key.publicKey.did.prefix(32))…")
        }

        // Every device takes readings: 2–8 °C storage, with a door-open excursion midway.
        var singles: [[UInt8]] = []
        var batches: [[UInt8]] = []
        var records: [Reading] = []
        let start = Date()
        let clockStart: UInt64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z; readings every 30 s
        var signed: [SignatureAlgorithm: (seconds: Double, count: Int, bytes: Int)] = [:]
        for index in fleet.indices {
            var pending: [Reading] = []
            for step in 0..<readingsPerDevice {
                fleet[index].sequence += 1
                let excursion = step >= readingsPerDevice / 2 && step < readingsPerDevice / 2 + 4
                let celsius = (excursion ? 11.0 : 5.0) + Double(Int.random(in: -20...20, using: &rng)) / 10
                let reading = try Reading(
                    chainID: chain, device: fleet[index].key.publicKey.address, sequence: fleet[index].sequence,
                    timeMillis: clockStart + UInt64(step) * 30_000,
                    content: .inline(.map([CBORMapEntry(.text("t"), .float(celsius)),
                                           CBORMapEntry(.text("door"), .bool(excursion))])))
                records.append(reading)
                if index % 2 == 0 {
                    let began = Date()
                    let bytes = try Signed.sign(reading, with: fleet[index].key).bytes
                    let elapsed = Date().timeIntervalSince(began)
                    singles.append(bytes)
                    signed[fleet[index].key.algorithm, default: (0, 0, 0)].seconds += elapsed
                    signed[fleet[index].key.algorithm, default: (0, 0, 0)].count += 1
                    signed[fleet[index].key.algorithm, default: (0, 0, 0)].bytes += bytes.count
                } else {
                    pending.append(reading)
                    if pending.count == batchSize || step == readingsPerDevice - 1 {
                        let batch = try ReadingBatch(chainID: chain, device: fleet[index].key.publicKey.address, readings: pending)
                        batches.append(try Signed.sign(batch, with: fleet[index].key).bytes)
                        pending.removeAll()
                    }
                }
            }
        }
        let signSeconds = Date().timeIntervalSince(start)
        progress("signed \(records.count) readings: \(singles.count) one by one, \(records.count - singles.count) in \(batches.count) batches (\(format(signSeconds * 1000)) ms)")

        // Verify every envelope, as a fog node does before accepting it.
        let keys = Dictionary(uniqueKeysWithValues: fleet.map { ($0.key.publicKey.address, $0.key.publicKey) })
        let verifyStart = Date()
        for bytes in singles {
            let signed = try Signed<Reading>(decoding: bytes, chain: chain)
            try signed.verify(with: keys[signed.object.device]!)
        }
        for bytes in batches {
            let signed = try Signed<ReadingBatch>(decoding: bytes, chain: chain)
            try signed.verify(with: keys[signed.object.device]!)
        }
        let verifySeconds = Date().timeIntervalSince(verifyStart)
        let envelopes = singles.count + batches.count
        progress("verified \(envelopes) signatures in \(format(verifySeconds * 1000)) ms (\(format(Double(records.count) / verifySeconds, digits: 0)) readings/s, decode included)")

        // A block commits to its readings with an RFC 9162 Merkle root; prove one reading offline.
        let leaves = records.map { MerkleTree.leafHash($0.encoded) }
        let root = MerkleTree.root(leafHashes: leaves)
        let chosen = Int.random(in: 0..<records.count, using: &rng)
        let proof = try MerkleTree.inclusionProof(index: chosen, leafHashes: leaves)
        let proofVerifies = proof.verify(leafHash: MerkleTree.leafHash(records[chosen].encoded), root: root)
        var tampered = records[chosen].encoded
        tampered[tampered.count - 1] ^= 1
        let tamperedRejected = !proof.verify(leafHash: MerkleTree.leafHash(tampered), root: root)
        progress("readings root \(root) over \(records.count) readings")
        progress("proof for reading #\(chosen) (device \(records[chosen].device), seq \(records[chosen].sequence)): \(proof.path.count) hashes, \(proofVerifies ? "verifies" : "FAILS"); a tampered copy is \(tamperedRejected ? "rejected" : "ACCEPTED")")
        guard proofVerifies, tamperedRejected else {
            throw CLIError("proof-failed", "the Merkle proof did not behave as specified")
        }

        let batchBytesPerReading = batches.isEmpty ? 0 : batches.map(\.count).reduce(0, +) / (records.count - singles.count)
        var rows: [(String, String)] = [
            ("readings", "\(records.count) from \(devices) devices"),
            ("bytes per batched reading", "\(batchBytesPerReading) (batches of up to \(batchSize))"),
            ("verification", "\(format(Double(records.count) / verifySeconds, digits: 0)) readings/s on one core"),
            ("readings root", root.hex),
            ("offline proof", "\(proof.path.count) hashes, verified"),
        ]
        for algorithm in algorithms {
            if let stats = signed[algorithm], stats.count > 0 {
                rows.append(("\(algorithm) single reading", "\(stats.bytes / stats.count) bytes, signed in \(format(stats.seconds / Double(stats.count) * 1_000_000, digits: 0)) µs"))
            }
        }
        rows.append(("next", "the ledger node, BFT network and live fleet demo build on these pieces"))
        let json = JSONValue.object([
            "readings": .uint(UInt64(records.count)), "devices": .uint(UInt64(devices)), "seed": .uint(seed),
            "singleEnvelopes": .uint(UInt64(singles.count)), "batchEnvelopes": .uint(UInt64(batches.count)),
            "bytesPerBatchedReading": .uint(UInt64(batchBytesPerReading)),
            "verifySeconds": .double(verifySeconds), "readingsRoot": .string(root.hex),
            "proof": .object(["index": .uint(UInt64(chosen)), "hashes": .uint(UInt64(proof.path.count)), "verified": .bool(true)]),
        ])
        return Report(summary: "\n" + table(rows), json: json)
    }

    private func format(_ value: Double, digits: Int = 1) -> String {
        String(format: "%.\(digits)f", value)
    }
}
