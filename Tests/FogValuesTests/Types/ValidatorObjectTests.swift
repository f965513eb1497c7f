import FogCore
import FogCrypto
import FogTypes
import Testing

/// The validator objects (tags 28–31), genesis parameters and validator transaction bodies.
@Suite struct ValidatorObjectTests {
    let key = Fixtures.signer(.ed25519)
    let other = Fixtures.signer(.p256)
    var address: Address { key.publicKey.address }

    func params(slash: UInt64 = 250) throws -> ConsensusParams {
        try ConsensusParams(epochLength: 10, maxValidators: 4, unbondingPeriod: 20, slashBasisPoints: slash,
                            minSelfBond: 5, maxEvidenceAge: 30, proposalLifetime: 40)
    }

    @Test func objectsRoundTrip() throws {
        let params = try params()
        #expect(try ConsensusParams.decode(params.encoded) == params)
        let stakes = [Stake(delegator: address, amount: 3), Stake(delegator: other.publicKey.address, amount: 9)]
            .sorted { $0.delegator < $1.delegator }
        let record = try ValidatorRecord(publicKey: key.publicKey, operatorAccount: other.publicKey.address, jailed: true, stakes: stakes)
        #expect(try ValidatorRecord.decode(record.encoded) == record)
        #expect(record.totalStake == 12)
        let change = ValidatorChange(publicKey: other.publicKey, power: 0, operatorAccount: address)
        let proposal = try ValidatorProposal(change: change, proposedAt: 7, approvals: [address])
        #expect(try ValidatorProposal.decode(proposal.encoded) == proposal)
        let schedule = try ValidatorSchedule(mode: .dpos, candidates: [address], setHeights: [1, 4],
                                             unbonding: [UnbondingEntry(maturity: 9, account: address, amount: 2)])
        #expect(try ValidatorSchedule.decode(schedule.encoded) == schedule)
        #expect(schedule.setHeight(signing: 3) == 1 && schedule.setHeight(signing: 4) == 4 && schedule.setHeight(signing: 0) == nil)
    }

    @Test func paramsAreBounded() throws {
        expectObjectError(.invalidValue) { _ = try params(slash: 10_001) }
        expectObjectError(.invalidValue) {
            _ = try ConsensusParams(epochLength: 0, maxValidators: 4, unbondingPeriod: 0, slashBasisPoints: 0, minSelfBond: 1,
                                    maxEvidenceAge: 1, proposalLifetime: 1)
        }
        expectObjectError(.invalidValue) {
            _ = try ConsensusParams(epochLength: 1, maxValidators: 257, unbondingPeriod: 0, slashBasisPoints: 0, minSelfBond: 1,
                                    maxEvidenceAge: 1, proposalLifetime: 1)
        }
        expectObjectError(.invalidValue) {
            _ = try ConsensusParams(epochLength: 1, maxValidators: 1, unbondingPeriod: 0, slashBasisPoints: 0, minSelfBond: 1,
                                    maxEvidenceAge: 10_001, proposalLifetime: 1)
        }
        // 2.5% of 1,000 is 25; of 39 it is 0.975, rounded down to 0.
        #expect(try params().slashed(1_000) == 975)
        #expect(try params().slashed(39) == 39)
        #expect(try params(slash: 10_000).slashed(.max) == 0)
    }

    @Test func genesisCarriesParamsOnlyWhenTheyAreNotTheDefault() throws {
        let plain = try Fixtures.genesis()
        #expect(plain.params == .default)
        #expect(plain.cborValue.mapEntries!.allSatisfy { $0.key != .int(6) })
        let tuned = try Genesis(chainID: plain.chainID, timeMillis: plain.timeMillis, consensus: .dpos,
                                validators: plain.validators, accounts: plain.accounts, params: try params())
        #expect(try Genesis.decode(tuned.encoded) == tuned)
        #expect(tuned.cborValue.field(6) == (try params()).cborValue)
        expectObjectError(.malformed) { _ = try Genesis.decode(plain.cborValue.setting(6, ConsensusParams.default.cborValue).encoded) }
    }

    @Test func recordsAreStrict() throws {
        let record = try ValidatorRecord(publicKey: key.publicKey, operatorAccount: address, jailed: false,
                                         stakes: [Stake(delegator: address, amount: 1)])
        let stake: (UInt64) -> CBORValue = { .array([.array([.bytes(self.address.bytes), .unsigned($0)])]) }
        expectObjectError(.invalidValue) { _ = try ValidatorRecord.decode(record.cborValue.setting(4, stake(0)).encoded) }
        expectObjectError(.malformed) { _ = try ValidatorRecord.decode(record.cborValue.setting(3, .unsigned(0)).encoded) }
        let twice = CBORValue.array([.array([.bytes(address.bytes), .unsigned(1)]), .array([.bytes(address.bytes), .unsigned(1)])])
        expectObjectError(.malformed) { _ = try ValidatorRecord.decode(record.cborValue.setting(4, twice).encoded) }
        expectObjectError(.malformed) { _ = try ValidatorRecord.decode(record.cborValue.setting(9, .null).encoded) }
        let schedule = try ValidatorSchedule(mode: .poa, candidates: [], setHeights: [1], unbonding: [])
        expectObjectError(.malformed) { _ = try ValidatorSchedule.decode(schedule.cborValue.setting(2, .array([.unsigned(3), .unsigned(2)])).encoded) }
        expectObjectError(.invalidValue) { _ = try ValidatorSchedule.decode(schedule.cborValue.setting(4, .text("pow")).encoded) }
    }

    @Test func validatorBodiesRoundTrip() throws {
        let first = try Signed.sign(try Fixtures.vote(validator: address), with: key)
        let second = try Signed.sign(try Fixtures.vote(validator: address, block: Fixtures.hashB), with: key)
        let bodies: [ValidatorTransaction] = [
            .propose(ValidatorChange(publicKey: other.publicKey, power: 3, operatorAccount: address), proposer: address),
            .approve(proposal: Fixtures.hashA, validator: address),
            .bond(publicKey: key.publicKey, amount: 10),
            .delegate(validator: address, amount: 4),
            .undelegate(validator: address, amount: 4),
            .evidence(Equivocation(first: first, second: second)),
        ]
        for (index, body) in bodies.enumerated() {
            let wrapped = TransactionBody.validator(body)
            #expect(wrapped.kind.rawValue == 16 + UInt64(index))
            #expect(wrapped.kind.isKnown)
            #expect(try TransactionBody(kind: wrapped.kind, body: wrapped.cborValue) == wrapped)
            expectObjectError(.malformed) { _ = try TransactionBody(kind: wrapped.kind, body: wrapped.cborValue.setting(9, .null)) }
        }
        #expect(!TransactionKind(rawValue: 22).isKnown)
    }

    @Test func validatorBodiesAreStrict() throws {
        let delegate = TransactionBody.validator(.delegate(validator: address, amount: 4))
        expectObjectError(.invalidValue) { _ = try TransactionBody(kind: .delegate, body: delegate.cborValue.setting(2, .unsigned(0))) }
        expectObjectError(.invalidValue) { _ = try TransactionBody(kind: .bondValidator,
                                                                   body: TransactionBody.validator(.bond(publicKey: key.publicKey, amount: 1)).cborValue.setting(2, .unsigned(0))) }
        expectObjectError(.malformed) { _ = try TransactionBody(kind: .undelegate, body: delegate.cborValue.removing(1)) }
        let vote = try Signed.sign(try Fixtures.vote(validator: address), with: key)
        let evidence = TransactionBody.validator(.evidence(Equivocation(first: vote, second: vote))).cborValue
        expectObjectError(.limitExceeded) {
            _ = try TransactionBody(kind: .submitEvidence, body: evidence.setting(1, .bytes([UInt8](repeating: 0, count: Equivocation.maxVoteBytes + 1))))
        }
        // A vote envelope that is not a vote: a signed transaction.
        let transaction = try Signed.sign(try Fixtures.transaction(signer: address), with: key)
        expectObjectError(.wrongObjectType) {
            _ = try TransactionBody(kind: .submitEvidence, body: evidence.setting(2, .bytes(transaction.bytes)))
        }
    }
}
