import FogCrypto
import FogDevice
import FogDeviceKit
import FogGateway
import FogTypes
import Foundation

/// `fogledger device run --hmac-key FILE`: a device that cannot sign (gateway mode, spec/gateway.md
/// §5) sends each CSV reading HMAC-tagged to its gateway over MQTT and waits for the answers. Its
/// next sequence number is kept in `{queue}/next-seq`, so a later run continues above it; readings
/// are not queued on disk (a reading not answered in time is reported and not resent).
struct HMACDeviceRun {
    let keyPath: String
    let device: Address
    let broker: BrokerAddress
    let chain: ChainID
    let folder: String
    let timeout: Double
    let output: DeviceRunOutput

    /// The readings not yet answered at most (a window over the broker).
    static let window = 256

    func run(_ lines: inout LineSource) async throws(CLIError) {
        guard let key = DeviceKeyStore.read(keyPath) else {
            throw CLIError("invalid-key", "\(keyPath) is not a 64-hex-character HMAC key file readable only by its owner (mode 0600)")
        }
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        let sequenceFile = URL(fileURLWithPath: folder).appendingPathComponent("next-seq").path
        var sequence = (try? String(contentsOfFile: sequenceFile, encoding: .utf8))
            .flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 1
        let client = HMACDeviceClient(broker: broker, device: device, key: key)
        do {
            try await client.connect()
        } catch {
            throw CLIError("broker-unreachable", "\(broker.host):\(broker.port): \(error)")
        }
        let tally = follow(client.acks)
        var sent = 0
        do throws(CLIError) {
            if let header = try lines.next() {
                let csv: ReadingCSV
                do throws(DeviceError) { csv = try ReadingCSV(header: header) } catch { throw CLIError(error.code, error.message) }
                var number = 1
                while let line = try lines.next() {
                    number += 1
                    if line.isEmpty { continue }
                    let row: ReadingCSV.Row
                    do throws(DeviceError) { row = try csv.row(line, line: number) } catch { throw CLIError(error.code, error.message) }
                    let time = row.timeMillis ?? UInt64(Date().timeIntervalSince1970 * 1_000)
                    do {
                        let reading = try Reading(chainID: chain, device: device, sequence: sequence, timeMillis: time,
                                                  content: row.content)
                        while await tally.answered.value() + Self.window <= sent { try await Task.sleep(for: .milliseconds(2)) }
                        try await client.send(reading)
                    } catch let error as ObjectError {
                        throw CLIError(error.code.description, error.detail)
                    } catch {
                        throw CLIError("broker-unreachable", "publish: \(error)")
                    }
                    sent += 1
                    sequence += 1
                    try? "\(sequence)\n".write(toFile: sequenceFile, atomically: true, encoding: .utf8)
                }
            }
        } catch {
            await client.close()
            throw error
        }
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1_000))
        while await tally.answered.value() < sent, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        await client.close()
        let counts = await tally.task.value
        output.summary(recorded: sent, counts: counts, queued: 0, folder: folder)
        if counts.committed + counts.rejected < sent {
            throw CLIError("timeout", "\(sent - counts.committed - counts.rejected) readings unanswered after \(timeout) s")
        }
        if counts.rejected > 0 { throw CLIError("rejected", "\(counts.rejected) readings were rejected") }
    }

    /// Prints each ack; counts committed and rejected readings.
    private func follow(_ acks: AsyncStream<HMACReadingAck>) -> (task: Task<DeviceRunOutput.Counts, Never>, answered: AnsweredCount) {
        let answered = AnsweredCount()
        let json = output.json
        let device = device
        let task = Task {
            var counts = DeviceRunOutput.Counts()
            for await ack in acks {
                switch ack.status {
                case "committed": counts.committed += 1; await answered.add()
                case "rejected": counts.rejected += 1; await answered.add()
                default: break
                }
                if json {
                    var members: [String: JSONValue] = ["event": .string(ack.status), "device": .string(device.hex),
                                                        "seq": .uint(ack.sequence), "trust": .string("gateway-attested")]
                    if let tx = ack.tx { members["tx"] = .string(tx.hex) }
                    if let height = ack.height { members["height"] = .uint(height) }
                    if let code = ack.code { members["code"] = .string(code) }
                    if let message = ack.message { members["message"] = .string(message) }
                    print(JSONValue.object(members).rendered)
                } else {
                    var line = "\(ack.status.padding(toLength: 18, withPad: " ", startingAt: 0))seq \(ack.sequence)"
                    if let tx = ack.tx { line += "  tx \(tx.hex.prefix(16))" }
                    if let height = ack.height { line += "  height \(height)" }
                    if let code = ack.code { line += "  \(code): \(ack.message ?? "")" }
                    print(line)
                }
                fflush(nil)
            }
            return counts
        }
        return (task, answered)
    }
}

/// Readings answered for good (committed or rejected) so far.
actor AnsweredCount {
    private var count = 0
    func add() { count += 1 }
    func value() -> Int { count }
}
