import FogConsensus
import FogCrypto
import FogTypes

/// One simulated validator: the real consensus machine, its application and its WAL bytes.
final class SimulatedNode {
    let index: Int
    let key: PrivateKey
    let byzantine: ByzantineBehavior?
    let application: SimulatedApplication
    var machine: ConsensusMachine
    /// The WAL file's bytes: what survives a crash, besides the store.
    var wal: [UInt8] = []
    var crashed = false
    /// Bumped at each restart, so that the timers of an earlier life never fire.
    var incarnation = 0
    var lastSyncRequest: UInt64?
    var evidence: [FogConsensus.Equivocation] = []
    var failures: [String] = []

    let memo: VerificationMemo

    init(index: Int, key: PrivateKey, byzantine: ByzantineBehavior?, genesis: Genesis, timeouts: ConsensusTimeouts,
         memo: VerificationMemo) throws {
        self.index = index
        self.key = key
        self.byzantine = byzantine
        self.memo = memo
        self.application = try SimulatedApplication(genesis: genesis, memo: memo)
        self.machine = ConsensusMachine(chainID: genesis.chainID, key: key, timeouts: timeouts, verifier: memo.verifier)
    }

    /// The start of the application's next height, with what the WAL says was signed at it.
    func heightStart() -> HeightStart? {
        let height = application.nextHeight
        guard let rotation = application.rotations[height] else { return nil }
        let contents = ConsensusWAL.read(wal, chain: application.genesis.chainID)
        return HeightStart(height: height, rotation: rotation,
                           signedBefore: ConsensusWAL.ownMessages(height: height, in: contents.records))
    }

    /// Appends a WAL record; a new height starts the log afresh (earlier heights are committed).
    func persist(_ record: WALRecord) {
        if case .heightStarted = record { wal = [] }
        wal += ConsensusWAL.frame(record)
    }

    /// Crashes: volatile state is lost; with `tornBytes` > 0, a record whose append was interrupted
    /// leaves that many bytes of its frame at the WAL's tail.
    func crash(tornTail: [UInt8]) {
        crashed = true
        wal += tornTail
    }

    /// Restarts from the WAL and the store: a fresh machine, restored by replaying the WAL.
    func restart(timeouts: ConsensusTimeouts) {
        crashed = false
        incarnation += 1
        let contents = ConsensusWAL.read(wal, chain: application.genesis.chainID)
        wal = Array(wal[0..<contents.validLength])
        machine = ConsensusMachine(chainID: application.genesis.chainID, key: key, timeouts: timeouts,
                                   verifier: memo.verifier)
        lastSyncRequest = nil
    }

    /// One line on where the validator is.
    var stateSummary: String {
        let m = machine
        let lock = m.lockedBlockID.map { "locked \($0.description.prefix(8))@\(m.lockedRound)" } ?? "unlocked"
        return "validator \(index)\(byzantine.map { " (\($0.rawValue))" } ?? "")\(crashed ? " crashed" : ""):"
            + " committed \(application.store.latestHeight()), at \(m.height)/\(m.round)/\(m.step), \(lock)"
    }
}
