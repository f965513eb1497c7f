import FogCore
public import FogTypes

/// Every message two nodes exchange (spec/p2p.md). On the wire a message is a frame:
/// `length (u32, big-endian) ‖ type (u8) ‖ body (deterministic CBOR)`.
public enum WireMessage: Hashable, Sendable {
    /// The opening message of a connection.
    case handshake(Handshake)
    /// Keep-alive probe: `{1: nonce}`; answered with `pong` carrying the same nonce.
    case ping(nonce: UInt64)
    /// Keep-alive answer: `{1: nonce}`.
    case pong(nonce: UInt64)
    /// A signed proposal with its block.
    case proposal(BlockProposal)
    /// A signed prevote or precommit: `{1: vote envelope}`.
    case vote(Signed<Vote>)
    /// Signed envelopes for the mempool, the same bytes `POST /v1/transactions` accepts:
    /// `{1: [envelope, …]}`, 1–`WireLimits.maxGossipEnvelopes` of them.
    case transactions([[UInt8]])
    /// The sender's latest committed height: `{1: height}`.
    case status(latestHeight: UInt64)
    /// Asks for the committed blocks in a range.
    case blockRequest(BlockRange)
    /// One requested block with its commit.
    case blockResponse(CommittedBlock)
    /// The sender has no committed block at this height: `{1: height}`.
    case noBlock(height: UInt64)

    /// The message's type byte.
    public var type: WireMessageType {
        switch self {
        case .handshake: return .handshake
        case .ping: return .ping
        case .pong: return .pong
        case .proposal: return .proposal
        case .vote: return .vote
        case .transactions: return .transactions
        case .status: return .status
        case .blockRequest: return .blockRequest
        case .blockResponse: return .blockResponse
        case .noBlock: return .noBlock
        }
    }

    /// The channel the message travels on.
    public var channel: WireChannel { type.channel }

    /// The body as CBOR.
    var body: CBORValue {
        switch self {
        case .handshake(let handshake): return handshake.body
        case .ping(let nonce), .pong(let nonce): return WireBody.map([(1, .unsigned(nonce))])
        case .proposal(let proposal): return proposal.body
        case .vote(let vote): return WireBody.map([(1, .bytes(vote.bytes))])
        case .transactions(let envelopes): return WireBody.map([(1, .array(envelopes.map(CBORValue.bytes)))])
        case .status(let height): return WireBody.map([(1, .unsigned(height))])
        case .blockRequest(let range): return range.body
        case .blockResponse(let block): return block.body
        case .noBlock(let height): return WireBody.map([(1, .unsigned(height))])
        }
    }

    /// The frame body: type byte, then the CBOR body.
    public var frameBody: [UInt8] {
        var bytes = [type.rawValue]
        bytes.append(contentsOf: body.encoded)
        return bytes
    }

    /// The whole frame: length header, then the frame body. A message too large for one frame (a
    /// gossip batch of many large envelopes) is `frame-too-large`.
    public var frame: [UInt8] {
        get throws(WireError) { try WireFrame.frame(frameBody) }
    }

    /// Decodes a frame body (type byte and CBOR body) from a peer.
    public static func decode(frameBody: some Collection<UInt8>) throws(WireError) -> WireMessage {
        guard let first = frameBody.first else { throw WireError(.emptyFrame, "frame body is empty") }
        guard frameBody.count <= WireLimits.maxFrameBytes else {
            throw WireError(.frameTooLarge, "frame body of \(frameBody.count) bytes exceeds \(WireLimits.maxFrameBytes)")
        }
        guard let type = WireMessageType(rawValue: first) else {
            throw WireError(.unknownMessageType, "message type 0x\(String(first, radix: 16)) is not defined")
        }
        let body: CBORValue
        do {
            body = try CBORReader.decode(Array(frameBody.dropFirst()), limits: WireLimits.cbor)
        } catch {
            throw WireError(error.code == .trailingBytes ? .trailingBytes : .malformed, "\(type): \(error)")
        }
        return try WireBody.decoding { try decode(type, body) }
    }

    private static func decode(_ type: WireMessageType, _ body: CBORValue) throws -> WireMessage {
        switch type {
        case .handshake: return .handshake(try Handshake(body: body))
        case .ping: return .ping(nonce: try single(body, "ping", "nonce"))
        case .pong: return .pong(nonce: try single(body, "pong", "nonce"))
        case .proposal: return .proposal(try BlockProposal(body: body))
        case .vote:
            var fields = try CBORFields(body, object: "vote-message")
            let envelope = try WireBody.bytes(&fields, 1, "vote-message.vote", maxBytes: ObjectLimits.maxEnvelopeBytes)
            try fields.finish()
            return .vote(try Signed<Vote>(decoding: envelope, limits: WireLimits.cbor))
        case .transactions:
            var fields = try CBORFields(body, object: "transactions")
            let items = try fields.array(1, "envelopes", maxCount: WireLimits.maxGossipEnvelopes)
            try fields.finish()
            guard !items.isEmpty else { throw WireError(.invalidValue, "transactions.envelopes: empty") }
            var envelopes: [[UInt8]] = []
            envelopes.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                envelopes.append(try WireBody.bytes(item, "transactions.envelopes[\(index)]",
                                                    maxBytes: ObjectLimits.maxEnvelopeBytes))
            }
            return .transactions(envelopes)
        case .status: return .status(latestHeight: try single(body, "status", "latestHeight"))
        case .blockRequest: return .blockRequest(try BlockRange(body: body))
        case .blockResponse: return .blockResponse(try CommittedBlock(body: body))
        case .noBlock: return .noBlock(height: try single(body, "no-block", "height"))
        }
    }

    /// The unsigned integer of a one-field body `{1: n}`.
    private static func single(_ body: CBORValue, _ object: String, _ name: String) throws -> UInt64 {
        var fields = try CBORFields(body, object: object)
        let value = try fields.uint(1, name)
        try fields.finish()
        return value
    }
}
