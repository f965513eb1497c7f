import ArgumentParser
import FogCore
import FogCrypto
import FogMerkle
import FogTypes
import Foundation

/// `fogledger demo`: what FogLedger does today, end to end, on this machine.
///
/// It runs the foundation every later part builds on: device identities for each signature
/// algorithm, a simulated cold-chain fleet signing readings singly and in batches, verification of
/// every signature, the Merkle commitment a block makes to its readings, and an offline proof that
/// one reading is in it. Every number it prints is measured in this run.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the FogLedger foundation end to end: device keys, signed readings, batches, Merkle proofs.",
        discussion: "The networked demo (validators, fleet over MQTT, live explorer) grows on top of this as the node lands.")

    @Option(name: .long, help: "Simulated devices (one third each Ed25519, P-256, ML-DSA-65).")
    var devices: Int = 12

    @Option(name: .long, help: "Readings each device takes.")
    var readings: Int = 100

    @Option(name: .long, help: "Readings per batch signature.")
    var batch: Int = 50

    @Option(name: .long, help: "Seed for the simulated fleet (default: random).")
    var seed: UInt64?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...300).contains(devices) else { throw ValidationError("--devices must be 1–300") }
        guard (1...10_000).contains(readings) else { throw ValidationError("--readings must be 1–10000") }
        guard (1...ObjectLimits.maxBatchReadings).contains(batch) else {
            throw ValidationError("--batch must be 1–\(ObjectLimits.maxBatchReadings)")
        }
    }

    func run() throws {
        let seed = self.seed ?? UInt64.random(in: 0...UInt64.max)
        try runReporting(output) {
            let report = try FoundationDemo(devices: devices, readingsPerDevice: readings, batchSize: batch, seed: seed)
                .run(progress: output.json ? { _ in } : { print($0) })
            return (report.summary, report.json)
        }
    }
}
