import ArgumentParser
import FogGateway
import FogNode
import Foundation

/// The `fogledger node` options of the MQTT gateway; without `--mqtt` the node runs no gateway.
struct GatewayOptions: ParsableArguments {
    @Option(name: .long, help: "Run the MQTT gateway on this broker: mqtt://host:port or mqtts://host:port.")
    var mqtt: String?

    @Option(name: .long, help: "MQTT user name of the gateway.")
    var mqttUsername: String?

    @Option(name: .long, help: "File holding the gateway's MQTT password (one line).")
    var mqttPasswordFile: String?

    @Option(name: .long, help: "MQTT client id of the gateway (the broker keeps its session under it).")
    var mqttClientId: String = "fogledger-gateway"

    @Option(name: .long, help: "PEM file of the CA certificates that sign an mqtts:// broker's certificate.")
    var mqttCaFile: String?

    @Option(name: .long, help: "The readings subscription, e.g. an MQTT 5 shared subscription $share/GROUP/fogledger/v1/devices/+/readings when several gateways serve one broker.")
    var mqttReadingsFilter: String = GatewayTopic.readingsFilter

    @Option(name: .long, help: "Gateway mode: the key file of the gateway's account, which attests the readings of devices that cannot sign.")
    var mqttGatewayKey: String?

    @Option(name: .long, help: "Gateway mode: the folder of the devices' HMAC keys (default: gateway-keys in the node's data folder).")
    var mqttHmacKeys: String?

    /// The gateway's configuration with gateway mode when `--mqtt-gateway-key` is given (its devices'
    /// keys in `--mqtt-hmac-keys`, default `{dataDirectory}/gateway-keys`), or `nil` without `--mqtt`.
    func configuration(ledger: any LedgerNode, dataDirectory: String) throws(CLIError) -> GatewayConfiguration? {
        guard var configuration = try configuration() else {
            guard mqttGatewayKey == nil, mqttHmacKeys == nil else {
                throw CLIError("invalid-argument", "--mqtt-gateway-key and --mqtt-hmac-keys need --mqtt URL")
            }
            return nil
        }
        if let mqttGatewayKey {
            let folder = mqttHmacKeys ?? URL(fileURLWithPath: dataDirectory).appendingPathComponent("gateway-keys").path
            configuration.gatewayMode = GatewayModeConfiguration(
                accountKey: try KeyFile.read(mqttGatewayKey), keys: DeviceKeyStore(folder: folder), ledger: ledger)
        } else if mqttHmacKeys != nil {
            throw CLIError("invalid-argument", "--mqtt-hmac-keys needs --mqtt-gateway-key FILE")
        }
        return configuration
    }

    /// The gateway's configuration, or `nil` without `--mqtt`.
    func configuration() throws(CLIError) -> GatewayConfiguration? {
        guard let mqtt else {
            guard mqttUsername == nil, mqttPasswordFile == nil, mqttCaFile == nil else {
                throw CLIError("invalid-argument", "the --mqtt-… options need --mqtt URL")
            }
            return nil
        }
        let broker: BrokerURL
        do {
            broker = try BrokerURL(mqtt)
        } catch {
            throw CLIError("invalid-argument", "--mqtt: \(error)")
        }
        var password: [UInt8]?
        if let mqttPasswordFile {
            guard let data = FileManager.default.contents(atPath: mqttPasswordFile), data.count <= 65_535 else {
                throw CLIError("io-error", "cannot read the MQTT password file \(mqttPasswordFile)")
            }
            var bytes = Array(data)
            while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
            password = bytes
        }
        guard !mqttClientId.isEmpty, mqttClientId.utf8.count <= 65_535 else {
            throw CLIError("invalid-argument", "--mqtt-client-id must be 1…65535 bytes")
        }
        return GatewayConfiguration(broker: broker, username: mqttUsername, password: password,
                                    clientID: mqttClientId, readingsFilter: mqttReadingsFilter, caFile: mqttCaFile)
    }
}
