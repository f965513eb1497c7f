import FogCrypto
import FogExecution
import FogNode
import FogTypes
import Testing

/// `DevNode.submitAll`: envelopes prepared on every core and admitted in one step, in order.
@Suite struct DevNodeBulkSubmitTests {
    static let devices = (0..<4).map { DevChain.key(30 + UInt8($0)) }

    static func registered() async throws -> DevChain {
        let chain = try DevChain()
        let registrations = devices.enumerated().map { DevChain.registration($1, nonce: UInt64($0)) }
        #expect(await chain.node.submitAll(registrations).allSatisfy { (try? $0.get()) != nil })
        try await chain.node.produceBlock()
        return chain
    }

    /// A device's envelopes in one submission are admitted in the submission's order, also when the
    /// submission is large enough to be prepared in several slices at once.
    @Test func aDevicesEnvelopesAreAdmittedInTheirOrder() async throws {
        let chain = try await Self.registered()
        // Each device's readings 1…50, the devices taking turns: 200 envelopes, 50 per device.
        let envelopes = (UInt64(1)...50).flatMap { seq in Self.devices.map { DevChain.reading($0, seq: seq) } }
        let results = await chain.node.submitAll(envelopes)
        #expect(results.map { try? $0.get() } == envelopes.map { SignedEnvelope.transactionID(of: $0) })
        let block = try #require(try await chain.node.produceBlock())
        #expect(block.envelopes == envelopes.count)
        #expect(try chain.store.block(at: block.header.height)?.transactions == envelopes)
        for device in Self.devices {
            #expect(try chain.store.device(device.publicKey.address)?.lastSequence == 50)
        }
    }

    /// Two submissions at once, each carrying its own devices' readings: both are admitted whole and
    /// each device's readings keep their order (one visit to the actor per submission).
    @Test func concurrentSubmissionsKeepEachDevicesOrder() async throws {
        let chain = try await Self.registered()
        let halves = [Array(Self.devices.prefix(2)), Array(Self.devices.suffix(2))].map { devices in
            (UInt64(1)...40).flatMap { seq in devices.map { DevChain.reading($0, seq: seq) } }
        }
        let node = chain.node
        async let first = node.submitAll(halves[0])
        async let second = node.submitAll(halves[1])
        let results = await [first, second]
        for (half, result) in zip(halves, results) {
            #expect(result.map { try? $0.get() } == half.map { SignedEnvelope.transactionID(of: $0) })
        }
        let block = try #require(try await chain.node.produceBlock())
        let carried = try #require(try chain.store.block(at: block.header.height)?.transactions)
        #expect(carried.count == 160)
        // One submission's envelopes are contiguous in the block, in their order.
        #expect(carried == halves[0] + halves[1] || carried == halves[1] + halves[0])
    }

    /// Once the mempool is full, the rest of the submission is refused the same way; earlier
    /// refusals of other kinds do not stop the envelopes after them.
    @Test func refusalsAreOnePerEnvelope() async throws {
        let chain = try DevChain(limits: MempoolLimits(maxCount: 4))
        let envelopes = [DevChain.reading(seq: 1), DevChain.registration(), DevChain.reading(seq: 1), DevChain.reading(seq: 1),
                         DevChain.reading(seq: 2), DevChain.reading(seq: 3), DevChain.reading(seq: 4), DevChain.reading(seq: 5)]
        let codes = await chain.node.submitAll(envelopes).map { result -> String in
            switch result {
            case .success: "ok"
            case .failure(let error): error.code
            }
        }
        #expect(codes == ["unknown-device", "ok", "ok", "duplicate", "ok", "ok", "mempool-full", "mempool-full"])
    }
}
