public import FogCrypto

/// The MQTT topics of the gateway contract (spec/gateway.md §1). A device is named by its address
/// as 40 lowercase hex characters.
public enum GatewayTopic: Hashable, Sendable {
    /// `fogledger/v1/devices/{device}/readings`: a device-signed COSE_Sign1 reading or batch.
    case readings(Address)
    /// `fogledger/v1/gateway/devices/{device}/readings`: an unsigned reading the gateway attests.
    case gatewayReadings(Address)
    /// A readings topic whose device segment is not an address; `segment` is that level.
    case unknownDevice(segment: String)

    /// The subscription filter for device-signed readings.
    public static let readingsFilter = "fogledger/v1/devices/+/readings"
    /// The subscription filter for gateway-mode readings.
    public static let gatewayReadingsFilter = "fogledger/v1/gateway/devices/+/readings"

    /// Classifies a topic name; `nil` when it is none of the gateway's topics.
    public init?(parsing topic: String) {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        let segment: Substring
        let gatewayMode: Bool
        if levels.count == 5, levels[0] == "fogledger", levels[1] == "v1", levels[2] == "devices",
           levels[4] == "readings" {
            segment = levels[3]
            gatewayMode = false
        } else if levels.count == 6, levels[0] == "fogledger", levels[1] == "v1", levels[2] == "gateway",
                  levels[3] == "devices", levels[5] == "readings" {
            segment = levels[4]
            gatewayMode = true
        } else {
            return nil
        }
        guard let address = Self.address(segment) else {
            self = .unknownDevice(segment: String(segment))
            return
        }
        self = gatewayMode ? .gatewayReadings(address) : .readings(address)
    }

    /// The acks topic of `device`: `fogledger/v1/devices/{device}/acks`.
    public static func acks(_ device: Address) -> String {
        "fogledger/v1/devices/\(device.hex)/acks"
    }

    /// The acks topic for a device segment that is not an address, when it is a valid topic level.
    public static func acks(segment: String) -> String? {
        guard !segment.isEmpty, !segment.contains(where: { $0 == "+" || $0 == "#" || $0 == "\0" }) else {
            return nil
        }
        return "fogledger/v1/devices/\(segment)/acks"
    }

    /// An address written as exactly 40 lowercase hex characters (`Address.hex`).
    static func address(_ segment: Substring) -> Address? {
        guard segment.utf8.count == 2 * Address.byteCount,
              segment.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        return Address(hex: segment)
    }
}
