/// Where the gateway's broker is: `mqtt://host[:port]` (plain TCP, default port 1883) or
/// `mqtts://host[:port]` (TLS, default port 8883).
public struct BrokerURL: Hashable, Sendable, CustomStringConvertible {
    /// The host name or IP address.
    public let host: String
    /// The TCP port.
    public let port: Int
    /// Whether the connection uses TLS.
    public let tls: Bool

    /// Parses a broker URL; throws ``GatewayConfigurationError`` for anything else.
    public init(_ text: String) throws(GatewayConfigurationError) {
        let rest: Substring
        if text.hasPrefix("mqtt://") {
            rest = text.dropFirst("mqtt://".count)
            tls = false
        } else if text.hasPrefix("mqtts://") {
            rest = text.dropFirst("mqtts://".count)
            tls = true
        } else {
            throw GatewayConfigurationError("a broker URL is mqtt://host:port or mqtts://host:port, found \(text)")
        }
        let authority = rest.hasSuffix("/") ? rest.dropLast() : rest
        guard !authority.isEmpty, !authority.contains("/"), !authority.contains("@") else {
            throw GatewayConfigurationError("a broker URL is mqtt://host:port or mqtts://host:port, found \(text)")
        }
        if authority.hasPrefix("[") {  // [IPv6]:port
            guard let close = authority.firstIndex(of: "]") else {
                throw GatewayConfigurationError("unterminated IPv6 address in \(text)")
            }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            port = try Self.port(after.isEmpty ? nil : after.hasPrefix(":") ? after.dropFirst() : after, tls: tls, text)
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = try Self.port(authority[authority.index(after: colon)...], tls: tls, text)
        } else {
            host = String(authority)
            port = tls ? 8883 : 1883
        }
        guard !host.isEmpty else { throw GatewayConfigurationError("no host in \(text)") }
    }

    private static func port(_ digits: Substring?, tls: Bool, _ text: String) throws(GatewayConfigurationError) -> Int {
        guard let digits else { return tls ? 8883 : 1883 }
        guard let port = Int(digits), (1...65_535).contains(port) else {
            throw GatewayConfigurationError("port must be 1…65535 in \(text)")
        }
        return port
    }

    public var description: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return "\(tls ? "mqtts" : "mqtt")://\(shown):\(port)"
    }
}

/// A gateway configuration that cannot work.
public struct GatewayConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How the gateway reaches its broker and what it does there.
public struct GatewayConfiguration: Sendable {
    /// The broker.
    public var broker: BrokerURL
    /// MQTT user name, when the broker asks for one.
    public var username: String?
    /// MQTT password.
    public var password: [UInt8]?
    /// The MQTT client id; the broker keeps the gateway's session under it.
    public var clientID: String
    /// The readings subscription filter.
    public var readingsFilter: String
    /// Pending transactions tracked for committed acks.
    public var pendingCapacity: Int
    /// How long to wait before submitting again while the mempool is full.
    public var retryInterval: Duration
    /// The CA certificates (PEM file) that sign an `mqtts://` broker's certificate; `nil`: the system's.
    public var caFile: String?
    /// Gateway mode (HMAC-tagged readings of devices that cannot sign, attested by the gateway's
    /// account); `nil`: off, and messages on gateway-mode topics are not subscribed to.
    public var gatewayMode: GatewayModeConfiguration?

    /// Creates a configuration.
    public init(broker: BrokerURL, username: String? = nil, password: [UInt8]? = nil,
                clientID: String = "fogledger-gateway", readingsFilter: String = GatewayTopic.readingsFilter,
                pendingCapacity: Int = 100_000, retryInterval: Duration = .milliseconds(2), caFile: String? = nil) {
        self.broker = broker
        self.username = username
        self.password = password
        self.clientID = clientID
        self.readingsFilter = readingsFilter
        self.pendingCapacity = pendingCapacity
        self.retryInterval = retryInterval
        self.caFile = caFile
    }
}
