import FogCore
import FogCrypto
import FogTypes
import NIOCore

/// The signed envelopes of a run, encoded before the load starts and split over the connections:
/// each device belongs to one connection, whose queue takes its devices in turn, so every device's
/// sequence numbers reach the node in increasing order.
struct BenchWorkload: Sendable {
    /// Each connection's envelopes, in sending order.
    let bodies: [[ByteBuffer]]
    /// Their ids (payload hashes), in the same order.
    let ids: [[Hash256]]
    /// Readings per envelope (1: single readings).
    let batch: Int

    /// Signs `envelopesPerConnection` envelopes of `batch` readings for each of `connections`
    /// connections, from `devices` (distributed round-robin), on every core. Each device's sequence
    /// numbers start at `firstSequence`.
    static func make(chainID: ChainID, devices: [PrivateKey], connections: Int, envelopesPerConnection: Int,
                     batch: Int, firstSequence: UInt64 = 1) async throws -> BenchWorkload {
        let groups = (0..<connections).map { connection in
            stride(from: connection, to: devices.count, by: connections).map { devices[$0] }
        }
        let signed = try await withThrowingTaskGroup(of: (Int, [ByteBuffer], [Hash256]).self) { tasks in
            for (connection, group) in groups.enumerated() {
                tasks.addTask {
                    var bodies: [ByteBuffer] = []
                    var ids: [Hash256] = []
                    bodies.reserveCapacity(envelopesPerConnection)
                    ids.reserveCapacity(envelopesPerConnection)
                    var round: UInt64 = 0
                    while bodies.count < envelopesPerConnection {
                        for device in group where bodies.count < envelopesPerConnection {
                            let first = round * UInt64(batch) + firstSequence
                            let (bytes, id) = try BenchWorkload.envelope(chainID: chainID, device: device, sequences: first..<first + UInt64(batch))
                            bodies.append(ByteBuffer(bytes: bytes))
                            ids.append(id)
                        }
                        round += 1
                    }
                    return (connection, bodies, ids)
                }
            }
            var byConnection = [(bodies: [ByteBuffer], ids: [Hash256])](repeating: ([], []), count: connections)
            for try await (connection, bodies, ids) in tasks { byConnection[connection] = (bodies, ids) }
            return byConnection
        }
        return BenchWorkload(bodies: signed.map { $0.bodies }, ids: signed.map { $0.ids }, batch: batch)
    }

    /// One signed reading (one sequence number) or reading batch, with its id.
    static func envelope(chainID: ChainID, device: PrivateKey, sequences: Range<UInt64>) throws -> ([UInt8], Hash256) {
        let address = device.publicKey.address
        let readings = try sequences.map { sequence in
            try Reading(chainID: chainID, device: address, sequence: sequence,
                        timeMillis: BenchWorkload.epochMillis + sequence,
                        content: .inline(.float(4.5 + Double(sequence % 100) / 10)))
        }
        if readings.count == 1 {
            let signed = try Signed.sign(readings[0], with: device)
            return (signed.bytes, signed.payloadHash)
        }
        let signed = try Signed.sign(try ReadingBatch(chainID: chainID, device: address, readings: readings), with: device)
        return (signed.bytes, signed.payloadHash)
    }

    /// The readings' time base (2026-01-01T00:00:00Z); a reading's time is this plus its sequence number.
    static let epochMillis: UInt64 = 1_767_225_600_000
}
