import FogCore
public import FogCrypto

/// One acknowledgement the gateway publishes on a device's acks topic (spec/gateway.md §2): a UTF-8
/// JSON object with a fixed key order.
public enum GatewayAck: Hashable, Sendable {
    /// Admitted to the mempool.
    case accepted(tx: Hash256)
    /// In a committed block at `height` (sent once per transaction).
    case committed(tx: Hash256, height: UInt64)
    /// Not admitted: `tx` when the payload was a COSE_Sign1 at all, a stable `code`, and a message.
    case rejected(tx: Hash256?, code: String, message: String)

    /// The JSON payload of the ack of gateway-mode reading `sequence`: as ``json`` with
    /// `"seq":N` last, since the device does not know the attestation's transaction id in advance.
    public func json(sequence: UInt64) -> [UInt8] {
        var bytes = json
        bytes.removeLast()  // the closing brace
        return bytes + Array(",\"seq\":\(sequence)}".utf8)
    }

    /// The JSON payload.
    public var json: [UInt8] {
        var out = "{\"status\":"
        switch self {
        case .accepted(let tx):
            out += "\"accepted\",\"tx\":\"\(tx.hex)\"}"
        case .committed(let tx, let height):
            out += "\"committed\",\"tx\":\"\(tx.hex)\",\"height\":\(height)}"
        case .rejected(let tx, let code, let message):
            out += "\"rejected\",\"tx\":"
            out += tx.map { "\"\($0.hex)\"" } ?? "null"
            out += ",\"code\":" + JSONString.quoted(code) + ",\"message\":" + JSONString.quoted(message) + "}"
        }
        return Array(out.utf8)
    }
}
