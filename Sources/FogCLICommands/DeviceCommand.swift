import ArgumentParser
import FogCore
import FogCrypto
import FogTypes
import Foundation

/// `fogledger device`: the device lifecycle, over a node's HTTP API.
struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "Register, rotate, suspend, resume and revoke devices on a node.",
        discussion: """
            Transactions are signed by --key FILE, or by the operator.key of a dev node's --data DIR \
            (or FOGLEDGER_DATA); the nonce comes from the node unless --nonce is given. Each command \
            waits for the commit (--no-wait to skip) and prints the receipt code and height.
            """,
        subcommands: [DeviceRegisterCommand.self, DeviceRotateCommand.self, DeviceSuspendCommand.self,
                      DeviceResumeCommand.self, DeviceRevokeCommand.self, DeviceRunCommand.self,
                      DeviceRegisterAttestedCommand.self])

    /// A device address given as 40 hex digits.
    static func address(_ text: String, _ option: String) throws(CLIError) -> Address {
        guard let address = Address(hex: text.lowercased()) else {
            throw CLIError("invalid-argument", "\(option) must be a 20-byte address in hex (40 characters)")
        }
        return address
    }

    /// A public key from a key file (its public half) or COSE_Key hex.
    static func publicKey(_ text: String, _ option: String) throws(CLIError) -> PublicKey {
        if FileManager.default.fileExists(atPath: text) { return try KeyFile.read(text).publicKey }
        guard let bytes = Hex.decode(text) else {
            throw CLIError("invalid-argument", "\(option): \(text) is neither a key file nor COSE_Key hex")
        }
        do { return try COSEKey.decode(bytes) } catch { throw CLIError("invalid-key", "\(option): \(error.detail)") }
    }
}

/// `fogledger device register`.
struct DeviceRegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register", abstract: "Register a device owned by the signing account.")

    @Option(name: .long, help: "The device's key file (its public half is registered).")
    var deviceKey: String?

    @Option(name: .long, help: "The device's public key as COSE_Key hex, instead of --device-key.")
    var publicKey: String?

    @Option(name: .long, help: "The device type, e.g. \"probe\".")
    var type: String

    @Option(name: .long, help: "Metadata as a JSON object (default: {}).")
    var metadata: String?

    @OptionGroup var signer: SignerOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runReportingAsync(output) {
            let deviceKey: PublicKey
            switch (self.deviceKey, publicKey) {
            case (let path?, nil): deviceKey = try KeyFile.read(path).publicKey
            case (nil, let hex?): deviceKey = try DeviceCommand.publicKey(hex, "--public-key")
            default: throw CLIError("invalid-argument", "give exactly one of --device-key FILE or --public-key HEX")
            }
            let meta: CBORValue = try metadata.map { text throws(CLIError) in try JSONValue.parse(text).cbor() } ?? .map([])
            let registration: DeviceRegistration
            do {
                registration = try DeviceRegistration(publicKey: deviceKey, deviceType: type, metadata: meta)
            } catch let error as ObjectError {
                throw CLIError(error.code.description, error.detail)
            }
            let client = try node.client()
            let (key, path) = try signer.signingKey()
            var (text, json) = try await submitTransaction(.registerDevice(registration), key: key, keyPath: path,
                                                           nonce: signer.nonce, client: client, wait: wait)
            let address = deviceKey.address.hex
            text = table([("device", address)]) + "\n" + text
            if case .object(var members) = json {
                members["device"] = .string(address)
                json = .object(members)
            }
            return (text, json)
        }
    }
}

/// `fogledger device rotate`.
struct DeviceRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Make a new key the device's current key (signed by the owner, or by the device with --as-device).")

    @Option(name: .long, help: "The device's address.")
    var device: String

    @Option(name: .long, help: "The new key: a key file, or COSE_Key hex.")
    var newKey: String

    @Flag(name: .long, help: "Sign with the device's current key (--key DEVICEKEY) instead of the owner's.")
    var asDevice = false

    @OptionGroup var signer: SignerOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runReportingAsync(output) {
            let address = try DeviceCommand.address(device, "--device")
            let newPublicKey = try DeviceCommand.publicKey(newKey, "--new-key")
            if asDevice, signer.key == nil {
                throw CLIError("invalid-argument", "--as-device needs --key with the device's current key file")
            }
            let (key, path) = try signer.signingKey()
            // Signed by the device itself: the signer is the device's address, whatever its current key's.
            return try await submitTransaction(.rotateDeviceKey(device: address, newKey: newPublicKey), key: key,
                                               keyPath: path, signer: asDevice ? address : nil, nonce: signer.nonce,
                                               client: try node.client(), wait: wait)
        }
    }
}

/// What `suspend`, `resume` and `revoke` share.
protocol DeviceStatusCommand: AsyncParsableCommand {
    var device: String { get }
    var signer: SignerOptions { get }
    var wait: WaitOptions { get }
    var node: NodeOptions { get }
    var output: OutputOptions { get }
    static func body(_ device: Address) -> TransactionBody
}

extension DeviceStatusCommand {
    func run() async throws {
        try await runReportingAsync(output) {
            let address = try DeviceCommand.address(device, "--device")
            let (key, path) = try signer.signingKey()
            return try await submitTransaction(Self.body(address), key: key, keyPath: path, nonce: signer.nonce,
                                               client: try node.client(), wait: wait)
        }
    }
}

/// `fogledger device suspend`.
struct DeviceSuspendCommand: DeviceStatusCommand {
    static let configuration = CommandConfiguration(commandName: "suspend", abstract: "Suspend an active device.")
    @Option(name: .long, help: "The device's address.") var device: String
    @OptionGroup var signer: SignerOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var output: OutputOptions
    static func body(_ device: Address) -> TransactionBody { .suspendDevice(device) }
}

/// `fogledger device resume`.
struct DeviceResumeCommand: DeviceStatusCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Reinstate a suspended device.")
    @Option(name: .long, help: "The device's address.") var device: String
    @OptionGroup var signer: SignerOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var output: OutputOptions
    static func body(_ device: Address) -> TransactionBody { .resumeDevice(device) }
}

/// `fogledger device revoke`.
struct DeviceRevokeCommand: DeviceStatusCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a device for good.")
    @Option(name: .long, help: "The device's address.") var device: String
    @OptionGroup var signer: SignerOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var output: OutputOptions
    static func body(_ device: Address) -> TransactionBody { .revokeDevice(device) }
}
