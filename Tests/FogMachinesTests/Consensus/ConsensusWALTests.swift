import FogConsensus
import FogCore
import FogCrypto
import FogTypes
import Testing

/// The WAL's records, framing and torn tails, and replay after a crash.
@Suite struct ConsensusWALTests {
    let fixture = ConsensusFixture()

    var me: Int { (0..<4).first { index in (0..<3).allSatisfy { fixture.proposer(round: $0) != index } }! }

    @Test func recordsRoundTripAndStrayBytesAreRejected() throws {
        let block = fixture.block(1, proposer: fixture.proposer(round: 0))
        let records: [WALRecord] = [
            .heightStarted(7),
            .signed(.vote(fixture.vote(.precommit, block, round: 2, by: 1))),
            .signed(.proposal(fixture.proposal(block, round: 0, by: fixture.proposer(round: 0)))),
            .signed(.lockedBlock(block)),
        ]
        for record in records {
            #expect(try WALRecord(decoding: record.encoded, chain: fixture.chain) == record)
        }
        #expect(throws: ObjectError.self) { try WALRecord(decoding: [0xa1, 0x00, 0x18, 0x2a], chain: fixture.chain) }
        let other = try ChainID("other")
        #expect(throws: ObjectError.self) { try WALRecord(decoding: records[1].encoded, chain: other) }
    }

    @Test func aTornTailIsCutAtEveryByte() {
        let block = fixture.block(1, proposer: 0)
        let first = ConsensusWAL.frame(.heightStarted(1))
        let second = ConsensusWAL.frame(.signed(.vote(fixture.vote(.prevote, block, round: 0, by: 2))))
        for cut in 0..<second.count {
            let contents = ConsensusWAL.read(first + second.prefix(cut), chain: fixture.chain)
            #expect(contents.records == [.heightStarted(1)])
            #expect(contents.validLength == first.count)
        }
        var flipped = first + second
        flipped[flipped.count - 1] ^= 1
        #expect(ConsensusWAL.read(flipped, chain: fixture.chain).records == [.heightStarted(1)])
        #expect(ConsensusWAL.read(first + second, chain: fixture.chain).records.count == 2)
    }

    @Test func theEndMarkerEndsTheLogCleanlyBeforeOlderRecords() {
        let block = fixture.block(1, proposer: 0)
        let first = ConsensusWAL.frame(.heightStarted(2))
        let older = ConsensusWAL.frame(.signed(.vote(fixture.vote(.prevote, block, round: 0, by: 2))))
        let contents = ConsensusWAL.read(first + ConsensusWAL.endMarker + older, chain: fixture.chain)
        #expect(contents.records == [.heightStarted(2)])
        #expect(contents.validLength == first.count)
        #expect(contents.endsCleanly)
        #expect(ConsensusWAL.read(first, chain: fixture.chain).endsCleanly)
        #expect(!ConsensusWAL.read(first + older.prefix(10), chain: fixture.chain).endsCleanly)
        // Part of a marker is a torn tail too.
        #expect(!ConsensusWAL.read(first + ConsensusWAL.endMarker.prefix(4), chain: fixture.chain).endsCleanly)
    }

    @Test func aRestartedValidatorNeverSignsAConflictingVote() throws {
        var (machine, started) = fixture.machine(me)
        var wal: [UInt8] = []
        func record(_ actions: [ConsensusAction]) {
            for case .persist(let record) in actions { wal += ConsensusWAL.frame(record) }
        }
        record(started)
        let others = (0..<4).filter { $0 != me }
        let x = fixture.block(1, proposer: fixture.proposer(round: 0))
        record(machine.receive(fixture.proposal(x, round: 0, by: fixture.proposer(round: 0)), x))
        record(machine.receive(others.prefix(2).map { fixture.vote(.prevote, x, round: 0, by: $0) }))
        #expect(machine.lockedBlockID == x.header.blockID)

        // Crash: a new machine restored from the WAL.
        let signed = ConsensusWAL.ownMessages(height: 1, in: ConsensusWAL.read(wal, chain: fixture.chain).records)
        // Its prevote, the block it locked on, its precommit.
        #expect(signed.count == 3)
        var (restored, restart) = fixture.machine(me, signedBefore: signed)
        #expect(restart.votes.isEmpty)
        #expect(restored.lockedBlockID == x.header.blockID && restored.lockedRound == 0)
        #expect(restored.step == .precommit)
        // Round 0's timeouts and a nil polka do not make it sign another round-0 vote.
        var later = restored.handle(.timeout(ConsensusTimeout(height: 1, round: 0, step: .propose)))
        later += restored.handle(.timeout(ConsensusTimeout(height: 1, round: 0, step: .prevote)))
        later += restored.receive(others.map { fixture.vote(.prevote, nil, round: 0, by: $0) })
        #expect(later.votes.isEmpty)
        // Its re-sent messages are the ones it signed before.
        let resent = restored.messagesToResend.compactMap { if case .broadcastVote(let v) = $0 { v.object } else { nil } }
        #expect(resent.map(\.blockID) == [x.header.blockID, x.header.blockID])
        // In round 1 it stays locked: another block gets a nil prevote.
        _ = restored.receive(others.prefix(2).map { fixture.vote(.prevote, nil, round: 1, by: $0) })
        let y = fixture.block(2, proposer: fixture.proposer(round: 1))
        let round1 = restored.receive(fixture.proposal(y, round: 1, by: fixture.proposer(round: 1)), y)
        #expect(round1.votes.filter { $0.step == .prevote }.map(\.blockID) == [nil])
    }
}
