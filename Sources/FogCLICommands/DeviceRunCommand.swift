import ArgumentParser
import FogCrypto
import FogDevice
import FogDeviceKit
import FogTypes
import Foundation

/// `fogledger device run`: a device's sending loop — CSV lines in, signed readings out, acks printed.
struct DeviceRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Read readings as CSV lines, sign and send them through a persistent queue, and print the acks.",
        discussion: """
            Input: a header line, then one reading per line (spec/device-sdk.md): a 'time' column \
            (milliseconds since the epoch; empty for now), 'payload_hash' and 'media_type' for an \
            off-chain payload, and value columns (one column named 'value' is the value; several make \
            a map). Every reading is on disk (--queue DIR) before it is sent, and is resent in order \
            after a restart until the ledger answers. At the end of the input the command waits for \
            the answers (--timeout) and exits 1 if any reading was rejected or is still unanswered.
            """)

    @Option(name: .long, help: "The device's key file.")
    var key: String?

    @Option(name: .long, help: "The device's address, when its key was rotated (default: the key's address).")
    var device: String?

    @Option(name: .long, help: "Gateway mode: the device's HMAC key file (device.hmac); needs --device and --broker.")
    var hmacKey: String?

    @OptionGroup var link: DeviceLinkOptions

    @Option(name: .long, help: "Read the CSV from this file.")
    var fromCsv: String?

    @Flag(name: .long, help: "Read the CSV from standard input.")
    var stdin = false

    @Option(name: .long, help: "The queue folder (default: .fogledger-device-ADDRESS in the current folder).")
    var queue: String?

    @Option(name: .long, help: "Readings per signed batch (1 to 1024).")
    var batch: Int = 1

    @Option(name: .long, help: "Milliseconds a reading waits for the rest of its batch.")
    var batchAge: UInt64 = 1_000

    @Option(name: .long, help: "Seconds to wait for the ledger's answers after the input ends.")
    var timeout: Double = 60

    @Flag(name: .long, help: "Print one JSON object per line (each event, then a summary).")
    var json = false

    func validate() throws {
        guard (key != nil) != (hmacKey != nil) else { throw ValidationError("give exactly one of --key FILE or --hmac-key FILE") }
        if hmacKey != nil, device == nil || link.broker == nil {
            throw ValidationError("--hmac-key needs --device ADDRESS and --broker URL")
        }
        guard (fromCsv != nil) != stdin else { throw ValidationError("give exactly one of --from-csv FILE or --stdin") }
        guard (1...ObjectLimits.maxBatchReadings).contains(batch) else {
            throw ValidationError("--batch must be 1…\(ObjectLimits.maxBatchReadings)")
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        let output = DeviceRunOutput(json: json)
        do throws(CLIError) {
            try await send(output)
        } catch {
            output.failure(error)
            throw ExitCode(1)
        }
    }

    private func send(_ output: DeviceRunOutput) async throws(CLIError) {
        if let hmacKey, let device, case .broker(let broker) = try link.link() {
            let address = try DeviceCommand.address(device, "--device")
            var lines = try LineSource(path: fromCsv, maxBytes: ReadingCSV.maxLineBytes)
            try await HMACDeviceRun(keyPath: hmacKey, device: address, broker: broker, chain: try await link.chainID(.broker(broker)),
                                    folder: queue ?? ".fogledger-device-\(address.hex)", timeout: timeout, output: output)
                .run(&lines)
            return
        }
        guard let key else { throw CLIError("invalid-argument", "--key FILE is required") }
        let signingKey = try KeyFile.read(key)
        let link = try self.link.link()
        let address = try device.map { text throws(CLIError) in try DeviceCommand.address(text, "--device") }
            ?? signingKey.publicKey.address
        var lines = try LineSource(path: fromCsv, maxBytes: ReadingCSV.maxLineBytes)
        let chain = try await self.link.chainID(link)
        let first = try await self.link.firstSequence(link, device: address)
        let folder = queue ?? ".fogledger-device-\(address.hex)"
        let agent: DeviceAgent
        do throws(DeviceError) {
            agent = try DeviceAgent(
                directory: folder, chainID: chain, device: address, signer: SoftwareSigner(key: signingKey),
                transport: self.link.transport(link, device: address),
                configuration: DeviceAgentConfiguration(batch: BatchLimits(maxReadings: batch, maxAgeMillis: batchAge),
                                                        queue: self.link.queueLimits(link)),
                nextSequenceAtLeast: first)
        } catch {
            throw CLIError(error.code, error.message)
        }
        let tally = Task { await output.follow(agent.events, device: address) }
        await agent.start()
        var recorded = 0
        do throws(CLIError) {
            if let header = try lines.next() {
                let csv: ReadingCSV
                do throws(DeviceError) { csv = try ReadingCSV(header: header) } catch { throw CLIError(error.code, error.message) }
                var number = 1
                while let line = try lines.next() {
                    number += 1
                    if line.isEmpty { continue }
                    do throws(DeviceError) {
                        let row = try csv.row(line, line: number)
                        let time = row.timeMillis ?? UInt64(Date().timeIntervalSince1970 * 1_000)
                        try await agent.record(timeMillis: time, content: row.content)
                        recorded += 1
                    } catch {
                        throw CLIError(error.code, error.message)
                    }
                }
            }
        } catch {
            // What was recorded stays queued on disk for the next run.
            await agent.stop()
            _ = await tally.value
            throw error
        }
        let drained: Bool
        do throws(DeviceError) {
            drained = try await agent.drain(timeout: .milliseconds(Int64(timeout * 1_000)))
        } catch {
            throw CLIError(error.code, error.message)
        }
        let left = await agent.queuedEnvelopes
        await agent.stop()
        let counts = await tally.value
        output.summary(recorded: recorded, counts: counts, queued: left, folder: folder)
        if !drained {
            throw CLIError("timeout", "\(left) envelopes still unanswered after \(timeout) s; they stay queued in \(folder)")
        }
        if counts.rejected > 0 {
            throw CLIError("rejected", "\(counts.rejected) envelopes were rejected")
        }
    }
}

/// What `device run` prints.
struct DeviceRunOutput: Sendable {
    /// Readings by outcome.
    struct Counts: Sendable {
        var committed = 0
        var alreadyRecorded = 0
        var rejected = 0
    }

    let json: Bool

    /// Prints every event until the stream ends; returns the counts.
    func follow(_ events: AsyncStream<DeviceEvent>, device: Address) async -> Counts {
        var counts = Counts()
        for await event in events {
            switch event {
            case .committed(let envelope, _): counts.committed += envelope.readingCount
            case .alreadyRecorded(let envelope): counts.alreadyRecorded += envelope.readingCount
            case .rejected(let envelope, _, _): counts.rejected += envelope?.readingCount ?? 1
            default: break
            }
            if json {
                if let line = DeviceEventOutput.json(event, device: device) { print(line.rendered) }
            } else {
                print(DeviceEventOutput.text(event))
            }
            fflush(nil)
        }
        return counts
    }

    func summary(recorded: Int, counts: Counts, queued: Int, folder: String) {
        if json {
            print(JSONValue.object([
                "event": .string("summary"), "recorded": .uint(UInt64(recorded)), "committed": .uint(UInt64(counts.committed)),
                "alreadyRecorded": .uint(UInt64(counts.alreadyRecorded)), "rejected": .uint(UInt64(counts.rejected)),
                "queued": .uint(UInt64(queued)), "queue": .string(folder),
            ]).rendered)
        } else {
            print("recorded \(recorded) readings; committed \(counts.committed), already recorded \(counts.alreadyRecorded), rejected \(counts.rejected); \(queued) envelopes queued in \(folder)")
        }
    }

    func failure(_ error: CLIError) {
        report(error, json: json)
    }
}
