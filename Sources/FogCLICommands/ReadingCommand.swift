import ArgumentParser
import FogCore
import FogCrypto
import FogTypes
import Foundation

/// `fogledger reading`: sign and verify device readings offline.
struct ReadingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reading",
        abstract: "Sign and verify device readings (COSE_Sign1 over deterministic CBOR).",
        subcommands: [ReadingSignCommand.self, ReadingVerifyCommand.self, ReadingSendCommand.self])
}

/// The chain a command talks about.
struct ChainOptions: ParsableArguments {
    @Option(name: .long, help: "Chain id the reading belongs to.")
    var chain: String = DefaultChain.id

    init() {}

    init(chain: String) {
        self.chain = chain
    }

    func chainID() throws(CLIError) -> ChainID {
        do {
            return try ChainID(chain)
        } catch {
            throw CLIError("invalid-argument", error.detail)
        }
    }
}

/// Defaults shared by the commands.
enum DefaultChain {
    /// The chain id a development chain uses unless told otherwise.
    static let id = "fogledger-dev"
}

/// `fogledger reading sign`.
struct ReadingSignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign one reading with a device key; prints the COSE_Sign1 as hex.",
        discussion: "Give either --value (a JSON value stored inline) or --payload-hash with --media-type (an off-chain payload).")

    @Option(name: .long, help: "The device's key file.")
    var key: String

    @Option(name: .long, help: "The device's sequence number (from 1, strictly increasing).")
    var seq: UInt64

    @OptionGroup var reading: ReadingContentOptions

    @Option(name: .long, help: "Also write the COSE_Sign1 bytes (binary) to this file.")
    var out: String?

    @OptionGroup var chain: ChainOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReporting(output) {
            let signingKey = try KeyFile.read(key)
            let content = try reading.content()
            let signed = try Self.sign(key: signingKey, chain: try chain.chainID(), seq: seq, time: reading.time, content: content)
            if let out {
                do {
                    try Data(signed.bytes).write(to: URL(fileURLWithPath: out))
                } catch {
                    throw CLIError("io-error", "cannot write \(out): \(error.localizedDescription)")
                }
            }
            let hex = Hex.encode(signed.bytes)
            // The reading's fields as `verify` shows them, so "payloadHash" means the same in both.
            guard case .object(var members) = ReadingVerifyCommand.json(signed.object) else {
                preconditionFailure("a reading renders as an object")
            }
            members["reading"] = .string(hex)
            members["bytes"] = .int(Int64(signed.bytes.count))
            members["id"] = .string(signed.payloadHash.hex)
            members["device"] = .string(signed.object.device.hex)
            members["chain"] = .string(signed.object.chainID.value)
            return (hex, .object(members))
        }
    }

    /// Signs one reading of `device` (default: the one whose address is `key`'s) with `key` (time: now unless given).
    static func sign(key: PrivateKey, device: Address? = nil, chain: ChainID, seq: UInt64, time: UInt64?, content: ReadingContent)
        throws(CLIError) -> Signed<Reading>
    {
        let timeMillis = time ?? UInt64(Date().timeIntervalSince1970 * 1000)
        do {
            let reading = try Reading(chainID: chain, device: device ?? key.publicKey.address, sequence: seq,
                                      timeMillis: timeMillis, content: content)
            return try Signed.sign(reading, with: key)
        } catch {
            throw CLIError(error.code.description, error.detail)
        }
    }
}

/// The content and time of a reading, as `reading sign` and `reading send` take them.
struct ReadingContentOptions: ParsableArguments {
    @Option(name: .long, parsing: .unconditional,
            help: "The reading's value as JSON, e.g. '{\"temp\": 4.5}' or -3 (taken as given, even when it starts with -).")
    var value: String?

    @Option(name: .long, help: "SHA-256 (hex) of an off-chain payload, instead of --value.")
    var payloadHash: String?

    @Option(name: .long, help: "Media type of the off-chain payload, with --payload-hash.")
    var mediaType: String?

    @Option(name: .long, help: "Reading time in milliseconds since the Unix epoch (default: now).")
    var time: UInt64?

    /// The content of `--value`, or of `--payload-hash` with `--media-type`.
    func content() throws(CLIError) -> ReadingContent {
        switch (value, payloadHash, mediaType) {
        case (let value?, nil, nil):
            return .inline(try JSONValue.parse(value).cbor())
        case (nil, let hash?, let type?):
            guard let digest = Hash256(hex: hash) else {
                throw CLIError("invalid-argument", "--payload-hash must be 64 hexadecimal characters")
            }
            return .payload(hash: digest, mediaType: type)
        default:
            throw CLIError("invalid-argument", "give either --value, or --payload-hash with --media-type")
        }
    }
}

/// `fogledger reading verify`.
struct ReadingVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a signed reading or reading batch against the device's public key.",
        discussion: "The reading is read as hex from the argument, or from --in FILE (hex text or binary), or from standard input.")

    @Argument(help: "The COSE_Sign1 as hex.")
    var reading: String?

    @Option(name: .customLong("in"), help: "Read the COSE_Sign1 from this file (hex or binary); '-' for standard input.")
    var input: String?

    @Option(name: .long, help: "The device's public key as COSE_Key hex.")
    var publicKey: String?

    @Option(name: .long, help: "The device's public key as a did:key.")
    var did: String?

    @Option(name: .long, help: "The device's key file (its public half is used).")
    var key: String?

    @Option(name: .long, help: "Require the reading to belong to this chain.")
    var chain: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReporting(output) {
            // Check the options before reading: standard input may be a terminal that never ends.
            let verifier = try verificationKey()
            let chainID = try chain.map { (text: String) throws(CLIError) -> ChainID in
                try ChainOptions(chain: text).chainID()
            }
            let bytes = try SignedInput.read(argument: reading, path: input)
            let (readings, id) = try ReadingVerification.verify(bytes, with: verifier, chain: chainID)
            let first = readings[0]
            var rows: [(String, String)] = [
                ("signature", "valid (\(verifier.algorithm))"),
                ("chain", first.chainID.value),
                ("device", first.device.hex),
            ]
            for reading in readings {
                rows.append(("reading", "seq \(reading.sequence)  time \(reading.timeMillis)  \(Self.describe(reading.content))"))
            }
            let json = JSONValue.object([
                "valid": .bool(true), "algorithm": .string(verifier.algorithm.rawValue),
                "chain": .string(first.chainID.value), "device": .string(first.device.hex), "id": .string(id.hex),
                "readings": .array(readings.map(Self.json)),
            ])
            return (table(rows), json)
        }
    }

    private func verificationKey() throws(CLIError) -> PublicKey {
        switch (publicKey, did, key) {
        case (let hex?, nil, nil):
            guard let bytes = Hex.decode(hex) else { throw CLIError("invalid-argument", "--public-key must be hexadecimal") }
            do { return try COSEKey.decode(bytes) } catch { throw CLIError("invalid-key", error.detail) }
        case (nil, let did?, nil):
            do { return try DIDKey.publicKey(from: did) } catch { throw CLIError("invalid-key", error.detail) }
        case (nil, nil, let path?):
            return try KeyFile.read(path).publicKey
        default:
            throw CLIError("invalid-argument", "give exactly one of --public-key, --did or --key")
        }
    }

    private static func describe(_ content: ReadingContent) -> String {
        switch content {
        case .inline(let value): return "value \(JSONValue(cbor: value).rendered)"
        case .payload(let hash, let type): return "payload \(hash.hex) (\(type))"
        }
    }

    /// One reading as JSON: seq, time, and value or payloadHash with mediaType.
    static func json(_ reading: Reading) -> JSONValue {
        var members: [String: JSONValue] = ["seq": .uint(reading.sequence), "time": .uint(reading.timeMillis)]
        switch reading.content {
        case .inline(let value): members["value"] = JSONValue(cbor: value)
        case .payload(let hash, let type):
            members["payloadHash"] = .string(hash.hex)
            members["mediaType"] = .string(type)
        }
        return .object(members)
    }
}
