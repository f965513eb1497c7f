import FogCore
import FogCrypto
import FogTypes
import FogWire
import Testing

/// Every way a frame from a peer is refused, each with its own code.
@Suite struct WireRejectionTests {
    private func code(_ bytes: [UInt8]) -> WireError.Code? {
        do {
            _ = try WireFrame.decode(bytes)
            return nil
        } catch {
            return error.code
        }
    }

    private func frame(type: UInt8, body: CBORValue) throws -> [UInt8] { try WireFrame.frame([type] + body.encoded) }

    private func map(_ entries: [(Int64, CBORValue)]) -> CBORValue {
        .map(entries.map { CBORMapEntry(.int($0.0), $0.1) })
    }

    @Test func oversizedFrameIsRefusedFromItsHeader() {
        let length = UInt32(WireLimits.maxFrameBytes + 1)
        let header: [UInt8] = [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
        #expect(throws: WireError(.frameTooLarge, "frame declares \(length) bytes, the limit is \(WireLimits.maxFrameBytes)")) {
            try WireFrame.bodyLength(header: header)
        }
        #expect(code(header + [0x02]) == .frameTooLarge)
        #expect(code([0xff, 0xff, 0xff, 0xff]) == .frameTooLarge)
    }

    @Test func emptyTruncatedAndTrailing() throws {
        let ping = try WireMessage.ping(nonce: 1).frame
        #expect(code([0, 0, 0, 0]) == .emptyFrame)
        #expect(code([0, 0]) == .truncated)
        #expect(code(Array(ping.dropLast())) == .truncated)
        #expect(code(ping + [0x00]) == .trailingBytes)
        // Bytes after the CBOR body inside the frame.
        #expect(try code(WireFrame.frame(Array(ping.dropFirst(4)) + [0x00])) == .trailingBytes)
        // A CBOR body cut short inside the frame.
        #expect(try code(WireFrame.frame(Array(ping.dropFirst(4).dropLast()))) == .malformed)
    }

    @Test func unknownMessageType() throws {
        for type: UInt8 in [0x00, 0x04, 0x12, 0x21, 0x34, 0xff] {
            #expect(try code(frame(type: type, body: map([(1, .unsigned(1))]))) == .unknownMessageType)
        }
    }

    @Test func schemaViolations() throws {
        let ping = WireMessageType.ping.rawValue
        #expect(try code(frame(type: ping, body: map([(1, .text("x"))]))) == .malformed)
        #expect(try code(frame(type: ping, body: map([(1, .unsigned(1)), (2, .unsigned(2))]))) == .malformed)
        #expect(try code(frame(type: ping, body: .array([]))) == .malformed)
        #expect(try code(frame(type: ping, body: map([]))) == .malformed)
        // A non-deterministic encoding (an integer in a longer form than needed).
        #expect(try code(WireFrame.frame([ping, 0xa1, 0x01, 0x18, 0x01])) == .malformed)
    }

    @Test func gossipBounds() throws {
        let type = WireMessageType.transactions.rawValue
        #expect(try code(frame(type: type, body: map([(1, .array([]))]))) == .invalidValue)
        #expect(try code(frame(type: type, body: map([(1, .array([.bytes([])]))]))) == .invalidValue)
        #expect(try code(frame(type: type, body: map([(1, .array([.text("a")]))]))) == .malformed)
        let tooMany = CBORValue.array(Array(repeating: .bytes([1]), count: WireLimits.maxGossipEnvelopes + 1))
        #expect(try code(frame(type: type, body: map([(1, tooMany)]))) == .malformed)
        let oversized = CBORValue.array([.bytes(Array(repeating: 1, count: ObjectLimits.maxEnvelopeBytes + 1))])
        #expect(try code(frame(type: type, body: map([(1, oversized)]))) == .limitExceeded)
    }

    @Test func blockSyncBounds() throws {
        let request = WireMessageType.blockRequest.rawValue
        #expect(try code(frame(type: request, body: map([(1, .unsigned(10)), (2, .unsigned(9))]))) == .invalidValue)
        #expect(try code(frame(type: request, body: map([(1, .unsigned(1)), (2, .unsigned(1_000))]))) == .limitExceeded)
        #expect(try code(frame(type: request, body: map([(1, .unsigned(1))]))) == .malformed)
    }

    @Test func nestedObjectsAreCheckedStrictly() throws {
        let vote = try WireFixtures.vote()
        let voteType = WireMessageType.vote.rawValue
        let mangled = try code(frame(type: voteType, body: map([(1, .bytes(Array(vote.bytes.dropLast(3))))])))
        #expect(mangled == .malformed)
        // A proposal envelope where a vote belongs is the wrong object type.
        let proposal = try WireFixtures.blockProposal().proposal
        #expect(try code(frame(type: voteType, body: map([(1, .bytes(proposal.bytes))]))) == .malformed)
        // A proposal message whose block is not the proposed one.
        let other = try Block(header: try Fixtures.header(height: 2, proposer: Fixtures.signer(.ed25519, 1).publicKey.address),
                              transactions: [[9]],
                              lastCommit: try WireFixtures.committedBlock().block.lastCommit)
        let mismatched = map([(1, .bytes(proposal.bytes)), (2, other.cborValue)])
        #expect(try code(frame(type: WireMessageType.proposal.rawValue, body: mismatched)) == .invalidValue)
        // A handshake with a bad chain id.
        let badChain = map([(1, .unsigned(1)), (2, .text("Upper")), (3, .bytes(Fixtures.hashA.bytes)),
                            (4, .bytes(Array(repeating: 1, count: 20))), (5, .unsigned(0)), (6, .text("h:1"))])
        #expect(try code(frame(type: WireMessageType.handshake.rawValue, body: badChain)) == .malformed)
    }
}
