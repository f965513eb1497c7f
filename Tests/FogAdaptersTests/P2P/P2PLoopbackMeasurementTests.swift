import FogCore
import FogCrypto
import FogP2P
import FogWire
import Foundation
import Synchronization
import Testing

/// Throughput and round-trip latency of vote-sized messages between two nodes on loopback, over
/// mutual TLS. Prints the numbers; asserts that every message arrived, in order, with nothing
/// dropped. A short run by default; `FOG_P2P_MEASURE=1` runs the 20,000-message, 2,000-round-trip
/// measurement reported in docs/benchmarks.md.
@Suite(.timeLimit(.minutes(2))) struct P2PLoopbackMeasurementTests {
    static let full = ProcessInfo.processInfo.environment["FOG_P2P_MEASURE"] == "1"
    static let throughputMessages = full ? 20_000 : 2_000
    static let roundTrips = full ? 2_000 : 200
    /// Votes in flight at once during the throughput run: well under the consensus queue bound.
    static let window = 1_000

    @Test func voteThroughputAndRoundTripLatency() async throws {
        // b echoes every vote from a straight back to a.
        let b = try await TestNode(P2PFixtures.configuration(2, allowed: [P2PFixtures.identity(1).nodeID])) { network, peer, message in
            if case .vote = message { _ = try? network.send(message, to: peer) }
        }
        // a signals every echoed vote.
        let (echoes, echoed) = AsyncStream.makeStream(of: Void.self)
        let a = try await TestNode(P2PFixtures.configuration(1, peers: [b.peer()])) { _, _, message in
            if case .vote = message { echoed.yield() }
        }
        var echo = echoes.makeAsyncIterator()
        let votes = (0..<64).map { WireMessage.vote(P2PFixtures.vote(1, height: UInt64($0) + 1)) }
        try await stopping([a, b]) {
            try await eventually(15, "connection") { a.network.connectedPeers == [b.nodeID] }
            let frameBytes = try votes[0].frame.count

            // Throughput: a keeps a window of votes in flight; b receives and echoes each; timed until
            // the last echo is back at a, so every message crossed the connection twice.
            let start = ContinuousClock.now
            var sent = 0
            while sent < Self.window {
                try a.network.send(votes[sent % votes.count], to: b.nodeID)
                sent += 1
            }
            for _ in 0..<Self.throughputMessages {
                _ = await echo.next()
                if sent < Self.throughputMessages {
                    try a.network.send(votes[sent % votes.count], to: b.nodeID)
                    sent += 1
                }
            }
            let perSecond = Double(2 * Self.throughputMessages) / seconds(ContinuousClock.now - start)
            #expect(b.messages(from: a.nodeID).count == Self.throughputMessages)
            #expect(b.messages(from: a.nodeID).enumerated().allSatisfy { $0.element == votes[$0.offset % votes.count] })

            // Round trips, one at a time.
            var latencies: [Double] = []
            for index in 0..<Self.roundTrips {
                let sent = ContinuousClock.now
                try a.network.send(votes[index % votes.count], to: b.nodeID)
                _ = await echo.next()
                latencies.append(seconds(ContinuousClock.now - sent) * 1_000)
            }
            latencies.sort()
            func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
            print(String(format: "p2p loopback (mTLS, %d-byte vote frames): %.0f messages/s (both directions together, %d in flight); round trip p50 %.3f ms, p99 %.3f ms, max %.3f ms",
                         frameBytes, perSecond, Self.window, percentile(0.5), percentile(0.99), latencies.last!))
            #expect(latencies.count == Self.roundTrips)
            #expect(a.network.stats == P2PStats() && b.network.stats == P2PStats(), "nothing dropped or disconnected")
        }
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
