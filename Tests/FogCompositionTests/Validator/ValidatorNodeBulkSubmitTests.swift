import FogCrypto
import FogExecution
@testable import FogNode
import FogTypes
import Testing

/// `ValidatorNode.submitAll`: one submission admitted on one node, gossiped and committed everywhere.
@Suite(.serialized) struct ValidatorNodeBulkSubmitTests {
    @Test(.timeLimit(.minutes(3))) func aBulkSubmissionIsGossipedAndCommittedOnEveryNode() async throws {
        let cluster = try ValidatorCluster()
        try cluster.startAll()
        do {
            try await cluster.waitHeights(atLeast: 1, nodes: [0, 1, 2, 3], within: .seconds(60))
            let sensors = ValidatorNodeTests.sensors
            let registrations = sensors.enumerated().map { ValidatorNodeTests.registration($1, nonce: UInt64($0)) }
            let registered = await cluster.node(0).submitAll(registrations)
            for result in registered {
                _ = try await cluster.waitCommitted(try result.get(), nodes: [0, 1, 2, 3], within: .seconds(10))
            }
            // 30 readings of each sensor, the sensors taking turns, all through node 1 in one submission.
            let readings = (UInt64(1)...30).flatMap { seq in sensors.map { ValidatorNodeTests.reading($0, seq: seq) } }
            let results = await cluster.node(1).submitAll(readings)
            let ids = try results.map { try $0.get() }
            #expect(ids == readings.map { SignedEnvelope.transactionID(of: $0) })
            for id in ids {
                let stored = try await cluster.waitCommitted(id, nodes: [0, 1, 2, 3], within: .seconds(20))
                #expect(stored.receipt.isOK)
            }
            #expect(try cluster.sameChain(nodes: [0, 1, 2, 3]))
            for sensor in sensors {
                #expect(try cluster.stores[3].device(sensor.publicKey.address)?.lastSequence == 30)
            }
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    /// With no room left, a bulk submission is refused whole with `mempool-full`, none of it decoded
    /// or verified (garbage is refused the same way), and nothing reaches the mempool.
    @Test(.timeLimit(.minutes(3))) func aFullMempoolRefusesABulkSubmissionBeforeVerifyingIt() async throws {
        var configuration = ValidatorCluster.fastConfiguration
        configuration.mempool = MempoolLimits(maxCount: 3)
        let cluster = try ValidatorCluster(count: 1, configuration: configuration)
        try cluster.startAll()
        let sensors = ValidatorNodeTests.sensors
        let node = cluster.node(0)
        // Stopped, the node still admits but starts no height, so what it admits stays pending.
        await node.stop()
        let admitted = await node.submitAll((0..<3).map { ValidatorNodeTests.registration(sensors[$0], nonce: UInt64($0)) })
        #expect(admitted.allSatisfy { (try? $0.get()) != nil }, "\(admitted)")
        let refused = await node.submitAll([ValidatorNodeTests.registration(sensors[3], nonce: 3), [0xff, 0x00]])
        let codes = refused.map { result -> String in
            if case .failure(let error) = result { return error.code }
            return "accepted"
        }
        #expect(codes == ["mempool-full", "mempool-full"])
        #expect(await node.pendingCount == 3)
        await cluster.shutdown()
    }
}
