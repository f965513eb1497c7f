import ArgumentParser
import FogCore
import FogCrypto
import FogTypes
import Foundation

/// `fogledger reading send`: sign a reading like `reading sign` and submit it to a node.
struct ReadingSendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Sign one reading with a device key and submit it to a node; waits for the commit.",
        discussion: "The chain id is the node's. --seq auto takes the device's lastSequence from the node, plus one.")

    @Option(name: .long, help: "The device's key file.")
    var key: String

    @Option(name: .long, help: "The device's address, when its key was rotated (default: the key's address).")
    var device: String?

    @Option(name: .long, help: "The sequence number, or \"auto\" (the device's lastSequence + 1).")
    var seq: String

    @OptionGroup var reading: ReadingContentOptions

    @OptionGroup var wait: WaitOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runReportingAsync(output) {
            let signingKey = try KeyFile.read(key)
            let content = try reading.content()
            let client = try node.client()
            let device = try self.device.map { text throws(CLIError) in try DeviceCommand.address(text, "--device") }
                ?? signingKey.publicKey.address
            let sequence: UInt64
            if seq == "auto" {
                let record = try await client.getJSON("/v1/devices/\(device.hex)")
                guard let last = record["lastSequence"]?.uint64 else {
                    throw CLIError("bad-response", "the node's device record has no lastSequence")
                }
                sequence = last + 1
            } else if let number = UInt64(seq) {
                sequence = number
            } else {
                throw CLIError("invalid-argument", "--seq must be an unsigned integer or \"auto\"")
            }
            let signed = try ReadingSignCommand.sign(key: signingKey, device: device, chain: try await client.chainID(),
                                                     seq: sequence, time: reading.time, content: content)
            let id = try await client.submit(signed.bytes)
            var rows: [(String, String)] = [
                ("transaction", id), ("device", device.hex), ("seq", "\(sequence)"),
                ("time", "\(signed.object.timeMillis)"),
            ]
            var json: [String: JSONValue] = [
                "id": .string(id), "device": .string(device.hex), "seq": .uint(sequence),
                "time": .uint(signed.object.timeMillis),
            ]
            try await wait.finish(id, client: client, rows: &rows, json: &json)
            return (table(rows), .object(json))
        }
    }
}
