import FogCore
import FogCrypto
import FogDevice
import FogDeviceKit
import FogTypes
import Foundation
import Testing

/// Keys, readings and folders for the device kit's tests.
enum DeviceKitFixture {
    static let chain = try! ChainID("fogledger-test")
    static let key = try! PrivateKey(algorithm: .ed25519, seed: [UInt8](repeating: 9, count: 32))
    static let signer = SoftwareSigner(key: key)
    static var device: Address { key.publicKey.address }

    static func readings(from first: UInt64 = 1, count: Int) -> [Reading] {
        var builder = ReadingBuilder(chainID: chain, device: device, nextSequence: first)
        return (0..<count).map { try! builder.reading(timeMillis: 1_000 + UInt64($0), content: .inline(.unsigned(UInt64($0)))) }
    }

    static func envelopes(from first: UInt64 = 1, count: Int) -> [OutboundEnvelope] {
        readings(from: first, count: count).map { try! OutboundEnvelope.seal([$0], with: signer) }
    }

    /// A fresh folder, removed after `body`.
    static func withFolder<T>(_ body: (String) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fog-device-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try await body(folder)
    }
}

@Suite struct QueueFileTests {
    @Test func recordsSurviveAReopenWithoutAClose() async throws {
        try await DeviceKitFixture.withFolder { folder in
            let envelopes = DeviceKitFixture.envelopes(count: 4)
            let open = DeviceKitFixture.readings(from: 5, count: 2)
            do {
                let (file, recovered) = try QueueFile.open(directory: folder)
                #expect(recovered.envelopes.isEmpty && recovered.highestSequence == 0)
                for envelope in envelopes { try file.append(envelope: envelope) }
                try file.append(done: envelopes[1].transactionID)
                for reading in open { try file.append(reading: reading) }
                // No close, no flush beyond the per-record fsync: dropped as a crash would drop it.
            }
            let (_, recovered) = try QueueFile.open(directory: folder)
            #expect(recovered.envelopes == [envelopes[0], envelopes[2], envelopes[3]])
            #expect(recovered.openReadings == open)
            #expect(recovered.highestSequence == 6)
            #expect(recovered.discardedBytes == 0)
        }
    }

    @Test func aTornTailIsCutOffAtEveryLength() async throws {
        try await DeviceKitFixture.withFolder { folder in
            let envelopes = DeviceKitFixture.envelopes(count: 2)
            do {
                let (file, _) = try QueueFile.open(directory: folder)
                try file.append(envelope: envelopes[0])
            }
            let path = folder + "/queue.log"
            let intact: Data
            do {
                // Opening rewrites the file; what it wrote is the intact part.
                let (file, _) = try QueueFile.open(directory: folder)
                intact = try Data(contentsOf: URL(fileURLWithPath: path))
                try file.append(envelope: envelopes[1])
            }
            let full = try Data(contentsOf: URL(fileURLWithPath: path))
            // Every prefix that cuts the second record: only the first survives, and the file heals.
            for length in stride(from: intact.count, to: full.count, by: 7) {
                try full.prefix(length).write(to: URL(fileURLWithPath: path))
                let (file, recovered) = try QueueFile.open(directory: folder)
                #expect(recovered.envelopes == [envelopes[0]], "cut at \(length)")
                #expect(recovered.discardedBytes == length - intact.count)
                try file.append(envelope: envelopes[1])
                let (_, again) = try QueueFile.open(directory: folder)
                #expect(again.envelopes == envelopes, "appending after a torn tail at \(length)")
                try intact.write(to: URL(fileURLWithPath: path))
            }
        }
    }

    @Test func aFlippedBitFailsTheChecksum() async throws {
        try await DeviceKitFixture.withFolder { folder in
            let envelopes = DeviceKitFixture.envelopes(count: 2)
            do {
                let (file, _) = try QueueFile.open(directory: folder)
                for envelope in envelopes { try file.append(envelope: envelope) }
            }
            let path = folder + "/queue.log"
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[bytes.count - 10] ^= 0x01
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let (_, recovered) = try QueueFile.open(directory: folder)
            #expect(recovered.envelopes == [envelopes[0]])
            #expect(recovered.discardedBytes > 0)
        }
    }

    @Test func anotherFileIsRefused() async throws {
        try await DeviceKitFixture.withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data("not a queue at all".utf8).write(to: URL(fileURLWithPath: folder + "/queue.log"))
            do throws(DeviceError) {
                _ = try QueueFile.open(directory: folder)
                Issue.record("opened a file that is not a queue")
            } catch {
                #expect(error.code == "invalid-queue")
            }
        }
    }

    @Test func compactionKeepsOnlyWhatIsLiveAndTheSequenceFloor() async throws {
        try await DeviceKitFixture.withFolder { folder in
            let envelopes = DeviceKitFixture.envelopes(count: 3)
            do {
                let (file, _) = try QueueFile.open(directory: folder)
                for envelope in envelopes { try file.append(envelope: envelope) }
                for envelope in envelopes { try file.append(done: envelope.transactionID) }
            }
            let (_, recovered) = try QueueFile.open(directory: folder)
            #expect(recovered.envelopes.isEmpty)
            #expect(recovered.highestSequence == 3, "a committed queue still remembers its last sequence number")
            let size = try FileManager.default.attributesOfItem(atPath: folder + "/queue.log")[.size] as? Int
            #expect(size == 8 + 5 + 8 + 4, "header and the sequence floor only")
        }
    }
}
