import FogConsensus
import FogCore
import FogCrypto
import FogStore
import FogTypes
import Foundation
import Testing

/// The consensus WAL file: appends survive reopening, a torn tail is ignored and overwritten, and a
/// file written again from its beginning reads only its newer records.
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
            let reopened = try ConsensusWALFile(path: path, chain: chain)
            #expect(reopened.recovered == records)
            #expect(!reopened.hadTornTail)
            // Below its bound the file keeps the earlier height's records at a height's start.
            try reopened.restart(with: .heightStarted(5))
            #expect(try ConsensusWALFile(path: path, chain: chain).recovered == records + [.heightStarted(5)])
        }
    }

    @Test func aHeightStartedAboveTheBoundRewindsTheFileWithoutShrinkingIt() throws {
        try withTemporaryFile { path in
            let older = [WALRecord.heightStarted(4), try vote(round: 0), try vote(round: 1), try vote(round: 2)]
            do {
                let wal = try ConsensusWALFile(path: path, chain: chain)
                for record in older { try wal.append(record) }
            }
            let sizeBefore = try fileSize(path)
            let later = [WALRecord.heightStarted(5), try vote(round: 3)]
            do {
                let wal = try ConsensusWALFile(path: path, chain: chain, rewindsAboveBytes: 0)
                try wal.restart(with: later[0])
                try wal.append(later[1])
            }
            // The newer records end at the marker; the older ones behind it are not read.
            let reopened = try ConsensusWALFile(path: path, chain: chain)
            #expect(reopened.recovered == later)
            #expect(!reopened.hadTornTail)
            #expect(try fileSize(path) == sizeBefore)
            // Appends after reopening follow the newer records.
            let third = try vote(round: 4)
            try reopened.append(third)
            #expect(try ConsensusWALFile(path: path, chain: chain).recovered == later + [third])
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

    @Test func aTornTailIsIgnoredAndOverwrittenByTheNextAppend() throws {
        try withTemporaryFile { path in
            let intact = ConsensusWAL.frame(.heightStarted(4))
            let torn = Array(ConsensusWAL.frame(try vote(round: 0)).prefix(30))
            let later = try vote(round: 1)
            #expect(FileManager.default.createFile(atPath: path, contents: Data(intact + torn)))
            do {
                let wal = try ConsensusWALFile(path: path, chain: chain)
                #expect(wal.recovered == [.heightStarted(4)])
                #expect(wal.hadTornTail)
                try wal.append(later)
            }
            let reopened = try ConsensusWALFile(path: path, chain: chain)
            #expect(reopened.recovered == [.heightStarted(4), later])
            #expect(!reopened.hadTornTail)
            #expect(try fileSize(path) == intact.count + ConsensusWAL.frame(later).count + ConsensusWAL.endMarker.count)
        }
    }

    @Test func aTornRecordAfterARewindHidesTheOlderRecordsBehindIt() throws {
        try withTemporaryFile { path in
            let older = [WALRecord.heightStarted(4), try vote(round: 0), try vote(round: 1)]
            let newer = ConsensusWAL.frame(.heightStarted(5))
            let torn = Array(ConsensusWAL.frame(try vote(round: 2)).prefix(20))
            let olderBytes = older.flatMap(ConsensusWAL.frame)
            // A crash in the middle of the second record of a rewound file.
            var bytes = olderBytes
            bytes.replaceSubrange(0..<newer.count + torn.count, with: newer + torn)
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            let wal = try ConsensusWALFile(path: path, chain: chain)
            #expect(wal.recovered == [.heightStarted(5)])
            #expect(wal.hadTornTail)
        }
    }

    func fileSize(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }
}
