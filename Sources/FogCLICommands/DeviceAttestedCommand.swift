import ArgumentParser
import FogCore
import FogCrypto
import FogGateway
import FogTypes
import Foundation

/// `fogledger device register-attested`: provisions a device that cannot sign (gateway mode,
/// spec/gateway.md §5). It makes the device's identity key (its address; the device never needs it)
/// and its HMAC key, writes the HMAC key for the device (`--out`) and into the gateway's key folder
/// (`--hmac-keys`), both mode 0600, and registers the device with its attesting gateway (kind 9).
struct DeviceRegisterAttestedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register-attested",
        abstract: "Register a device whose readings a gateway attests, and create its HMAC key.",
        discussion: """
            Writes OUT/device.key (the device's identity key: its address) and OUT/device.hmac (the \
            key the device tags its readings with), and the same HMAC key as HMAC-KEYS/ADDRESS.hmac for \
            the gateway (the node's --mqtt-hmac-keys folder, by default gateway-keys in its data folder). \
            The HMAC key never goes on chain.
            """)

    @Option(name: .long, help: "The address of the gateway account that attests the device's readings.")
    var gateway: String

    @Option(name: .long, help: "The device type, e.g. \"probe\".")
    var type: String

    @Option(name: .long, help: "Metadata as a JSON object (default: {}).")
    var metadata: String?

    @Option(name: .long, help: "The folder for the device's key files (created; must not hold them yet).")
    var out: String

    @Option(name: .long, help: "The gateway's HMAC key folder.")
    var hmacKeys: String

    @OptionGroup var signer: SignerOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runReportingAsync(output) {
            let gatewayAddress = try DeviceCommand.address(gateway, "--gateway")
            let meta: CBORValue = try metadata.map { text throws(CLIError) in try JSONValue.parse(text).cbor() } ?? .map([])
            var generator = SystemRandomNumberGenerator()
            let identity = PrivateKey.generate(.ed25519, using: &generator)
            let registration: DeviceRegistration
            do {
                registration = try DeviceRegistration(publicKey: identity.publicKey, deviceType: type, metadata: meta)
            } catch let error as ObjectError {
                throw CLIError(error.code.description, error.detail)
            }
            let hmacKey = (0..<HMACReading.keyBytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let folder = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try KeyFile.write(identity, to: folder.appendingPathComponent("device.key").path)
            let hmacPath = folder.appendingPathComponent("device.hmac").path
            guard !FileManager.default.fileExists(atPath: hmacPath),
                  FileManager.default.createFile(atPath: hmacPath, contents: Data((Hex.encode(hmacKey) + "\n").utf8),
                                                 attributes: [.posixPermissions: 0o600])
            else { throw CLIError("io-error", "cannot write \(hmacPath) (it must not exist)") }
            do {
                try DeviceKeyStore.write(hmacKey, device: identity.publicKey.address, folder: hmacKeys)
            } catch {
                throw CLIError("io-error", "\(error)")
            }
            let client = try node.client()
            let (key, path) = try signer.signingKey()
            var (text, json) = try await submitTransaction(
                .gateway(.registerAttestedDevice(registration, gateway: gatewayAddress)), key: key, keyPath: path,
                nonce: signer.nonce, client: client, wait: wait)
            let address = identity.publicKey.address.hex
            text = table([("device", address), ("gateway", gatewayAddress.hex), ("hmac key", hmacPath)]) + "\n" + text
            if case .object(var members) = json {
                members["device"] = .string(address)
                members["gateway"] = .string(gatewayAddress.hex)
                members["hmacKey"] = .string(hmacPath)
                json = .object(members)
            }
            return (text, json)
        }
    }
}
