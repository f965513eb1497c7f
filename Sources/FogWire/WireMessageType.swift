/// The byte that starts every frame body and names the message in it (spec/p2p.md, "Messages").
///
/// The high nibble groups messages by channel: 0x0_ control, 0x1_ consensus, 0x2_ mempool, 0x3_ block sync.
public enum WireMessageType: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case handshake = 0x01
    case ping = 0x02
    case pong = 0x03
    case proposal = 0x10
    case vote = 0x11
    case transactions = 0x20
    case status = 0x30
    case blockRequest = 0x31
    case blockResponse = 0x32
    case noBlock = 0x33

    /// The channel the message travels on.
    public var channel: WireChannel {
        switch rawValue >> 4 {
        case 0x0: return .control
        case 0x1: return .consensus
        case 0x2: return .mempool
        default: return .blockSync
        }
    }

    public var description: String {
        switch self {
        case .handshake: return "handshake"
        case .ping: return "ping"
        case .pong: return "pong"
        case .proposal: return "proposal"
        case .vote: return "vote"
        case .transactions: return "transactions"
        case .status: return "status"
        case .blockRequest: return "block-request"
        case .blockResponse: return "block-response"
        case .noBlock: return "no-block"
        }
    }
}
