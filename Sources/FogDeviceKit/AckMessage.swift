import FogCrypto
import Foundation

/// Parses the gateway's answers on the acks topic:
/// `{"status":"accepted","tx":hex}`, `{"status":"committed","tx":hex,"height":n}`,
/// `{"status":"rejected","tx":hex|null,"code":text,"message":text}`.
public enum AckMessage {
    /// Largest ack payload read.
    public static let maxBytes = 4 * 1024

    /// The ack in `payload`, or nil when it is not a well-formed answer (ignored: the topic is the
    /// gateway's, but a broker cannot be trusted to carry only that).
    public static func parse(_ payload: [UInt8]) -> TransportAck? {
        guard payload.count <= maxBytes,
              let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
              let status = object["status"] as? String
        else { return nil }
        let id = (object["tx"] as? String).flatMap { $0.count == 64 ? Hash256(hex: $0) : nil }
        switch status {
        case "accepted":
            return id.map { .accepted($0) }
        case "committed":
            guard let id, let height = object["height"] as? NSNumber, height.int64Value >= 0 else { return nil }
            return .committed(id, height: height.uint64Value)
        case "rejected":
            guard let code = object["code"] as? String else { return nil }
            return .rejected(id, code: code, message: object["message"] as? String ?? code)
        default:
            return nil
        }
    }
}
