import FogCore
import FogCrypto
import FogExecution
import FogTypes
import Foundation
import Testing

/// Rough numbers for docs, not a benchmark with thresholds: run with FOGLEDGER_MEASURE=1.
/// A DPoS chain with the most candidates (1,000), each with a 1,000-stake-limit record of 3 stakes.
@Suite struct ValidatorMeasurements {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FOGLEDGER_MEASURE"] != nil))
    func electionOverTheMostCandidates() throws {
        typealias V = ValidatorChain
        var ledger = Ledger(genesis: V.genesis(.dpos, count: 2, power: 20))
        let keys = (0..<ValidatorSchedule.maxCandidates).map { index in
            try! PrivateKey(algorithm: .ed25519, seed: [0x70, UInt8(index >> 8), UInt8(index & 0xff)] + [UInt8](repeating: 7, count: 29))
        }
        var overlay = StateOverlay(base: ledger.store)
        for (index, key) in keys.enumerated() {
            let stakes = fakeAddresses(2).map { Stake(delegator: $0, amount: 5) } + [Stake(delegator: key.publicKey.address, amount: 10 + UInt64(index))]
            overlay.set(StateKey.validator(key.publicKey.address), try ValidatorRecord(
                publicKey: key.publicKey, operatorAccount: key.publicKey.address, jailed: false,
                stakes: stakes.sorted { $0.delegator < $1.delegator }).encoded)
        }
        let schedule = try #require(try ledger.store.validatorSchedule())
        overlay.set(StateKey.validatorSchedule, try ValidatorSchedule(
            mode: .dpos, candidates: keys.map(\.publicKey.address).sorted(), setHeights: schedule.setHeights, unbonding: []).encoded)
        overlay.commitPending()
        ledger.store.apply(try overlay.diff(parentRoot: ledger.store.root, height: ledger.height))
        try ledger.runEmpty(until: 2)

        let clock = ContinuousClock()
        var plain: Duration = .zero
        plain += try clock.measure { try ledger.run([]) }  // 3
        let election = try clock.measure { try ledger.run([]) }  // 4: an epoch
        #expect(try ledger.store.pendingValidatorSet()?.validators.count == 2)
        let full = try ValidatorRecord(publicKey: keys[0].publicKey, operatorAccount: keys[0].publicKey.address, jailed: false,
                                       stakes: fakeAddresses(ValidatorRecord.maxStakes).map { Stake(delegator: $0, amount: .max / 2_000) })
        let queue = try ValidatorSchedule(mode: .dpos, candidates: fakeAddresses(ValidatorSchedule.maxCandidates),
                                          setHeights: Array(1...UInt64(ValidatorSchedule.maxSetHeights)),
                                          unbonding: fakeAddresses(ValidatorSchedule.maxUnbonding).map {
                                              UnbondingEntry(maturity: .max / 2, account: $0, amount: .max / 2)
                                          })
        print("empty block without election: \(plain); empty block electing 2 of 1,000 candidates: \(election)")
        print("largest validator record: \(full.encoded.count) bytes; largest schedule: \(queue.encoded.count) bytes")
    }
}
