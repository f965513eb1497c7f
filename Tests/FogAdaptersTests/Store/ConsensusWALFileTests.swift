import FogConsensus
import FogCore
import FogCrypto
import FogStore
import FogTypes
import Foundation
import Testing

/// The consensus WAL file: appends survive reopening, a torn tail is cut off, later appends follow
/// the last intact record.
@Suite struct ConsensusWALFileTests {
    let chain = try! ChainID("fog-wal-test")

    func vote(round: UInt64) throws -> WALRecord {
        var random = SplitMix64(seed: 3)
        let key = PrivateKey.generate(.ed25519, using: &random)
        return .signed(.vote(try Signed.sign(try Vote(chainID: chain, step: .prevote, height: 4, round: round,
                                                      blockID: nil, validator: key.publicKey.address), with: key)))
    }

    func withTemporaryFile(_ body: (String) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fog-wal-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try body(path)
    }

    @Test func recordsSurviveReopening() throws {
        try withTemporaryFile { path in
            let records = [WALRecord.heightStarted(4), try vote(round: 0), try vote(round: 1)]
            do {
                let wal = try ConsensusWALFile(path: path, chain: chain)
                #expect(wal.recovered.isEmpty)
                for record in records { try wal.append(record) }
            }
            do {
                // Below its bound the file keeps the earlier height's records at a height's start.
                let reopened = try ConsensusWALFile(path: path, chain: chain)
                #expect(reopened.recovered == records)
                #expect(reopened.truncatedBytes == 0)
                try reopened.restart(with: .heightStarted(5))
            }
            #expect(try ConsensusWALFile(path: path, chain: chain).recovered == records + [.heightStarted(5)])
            // Above it, the height's start empties the file.
            let bounded = try ConsensusWALFile(path: path, chain: chain, emptiesAboveBytes: 0)
            try bounded.restart(with: .heightStarted(6))
            #expect(try ConsensusWALFile(path: path, chain: chain).recovered == [.heightStarted(6)])
        }
    }

    @Test func recordsWrittenBackToBackAreRecoveredAfterTheirOneSync() throws {
        try withTemporaryFile { path in
            let records = [WALRecord.heightStarted(4), try vote(round: 0), try vote(round: 1)]
            do {
                let wal = try ConsensusWALFile(path: path, chain: chain)
                try wal.restart(with: records[0])
                try wal.appendUnsynced(records[1])
                try wal.append(records[2])
            }
            #expect(try ConsensusWALFile(path: path, chain: chain).recovered == records)
        }
    }

    @Test func aTornTailIsCutAndAppendsFollowTheLastIntactRecord() throws {
        try withTemporaryFile { path in
            let intact = ConsensusWAL.frame(.heightStarted(4))
            let torn = Array(ConsensusWAL.frame(try vote(round: 0)).prefix(30))
            let later = try vote(round: 1)
            #expect(FileManager.default.createFile(atPath: path, contents: Data(intact + torn)))
            do {
                let wal = try ConsensusWALFile(path: path, chain: chain)
                #expect(wal.recovered == [.heightStarted(4)])
                #expect(wal.truncatedBytes == torn.count)
                try wal.append(later)
            }
            let reopened = try ConsensusWALFile(path: path, chain: chain)
            #expect(reopened.recovered == [.heightStarted(4), later])
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
            #expect(size == intact.count + ConsensusWAL.frame(later).count)
        }
    }
}
