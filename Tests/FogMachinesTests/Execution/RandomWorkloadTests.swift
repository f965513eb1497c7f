import FogCore
import FogCrypto
import FogExecution
import FogMerkle
import FogTestKit
import FogTypes
import Testing

/// A seeded random workload of a few hundred envelopes — valid and invalid transactions of every
/// kind and readings — checked block by block against a from-scratch rebuild of the state root.
@Suite struct RandomWorkloadTests {
    struct Workload {
        var random: SeededGenerator
        var accounts: [PrivateKey]
        var devices: [PrivateKey]
        var nextSeq: [Address: UInt64] = [:]

        init(seed: UInt64) {
            random = SeededGenerator(seed: seed)
            accounts = [Ledger.alice, Ledger.bob]
            devices = []
        }

        mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }

        mutating func newKey() -> PrivateKey { PrivateKey.generate(.ed25519, using: &random) }

        /// One envelope; it may well fail (unknown recipient, stale seq, not the owner, …).
        mutating func envelope(_ ledger: inout Ledger) -> [UInt8] {
            let signer = pick(accounts)
            switch random.next() % 10 {
            case 0:
                let key = newKey()
                accounts.append(key)
                return ledger.tx(signer, .createAccount(publicKey: key.publicKey))
            case 1:
                let key = newKey()
                devices.append(key)
                return ledger.tx(signer, Ledger.registration(key, type: "t\(random.next() % 5)"))
            case 2, 3:
                let to = pick(accounts).publicKey.address
                return ledger.tx(signer, .transfer(to: to, amount: 1 + random.next() % 60))
            case 4:
                guard !devices.isEmpty else { return ledger.tx(signer, .transfer(to: signer.publicKey.address, amount: 1)) }
                let device = pick(devices).publicKey.address
                let bodies: [TransactionBody] = [.suspendDevice(device), .resumeDevice(device),
                                                 .transferDevice(device: device, newOwner: pick(accounts).publicKey.address)]
                let body = random.next() % 40 == 0 ? TransactionBody.revokeDevice(device) : pick(bodies)
                return ledger.tx(signer, body)
            default:
                guard !devices.isEmpty else { return [0xff] }
                let device = pick(devices)
                let address = device.publicKey.address
                // Mostly fresh seqs, sometimes a replay.
                let next = nextSeq[address, default: 1]
                let seq = random.next() % 8 == 0 && next > 1 ? next - 1 : next
                nextSeq[address] = seq + 1
                if random.next() % 3 == 0 {
                    nextSeq[address] = seq + 3
                    return Ledger.batch(device, seqs: [seq, seq + 1, seq + 2])
                }
                return Ledger.reading(device, seq: seq)
            }
        }
    }

    @Test(arguments: [UInt64(1), 42])
    func incrementalRootMatchesARebuild(seed: UInt64) throws {
        var ledger = Ledger()
        var workload = Workload(seed: seed)
        var okCount = 0
        var failed = 0
        for _ in 0..<15 {
            var envelopes: [[UInt8]] = []
            for _ in 0..<20 {
                envelopes.append(workload.envelope(&ledger))
            }
            let result = try ledger.run(envelopes)
            okCount += result.receipts.filter(\.isOK).count
            failed += result.receipts.count - result.receipts.filter(\.isOK).count
            #expect(ledger.store.root == (try Rebuild.root(of: ledger.store)))
            #expect(result.state.changes.map(\.key) == result.state.changes.map(\.key).sorted())
        }
        // The workload exercises both paths.
        #expect(okCount > 100)
        #expect(failed > 10)
        // Total supply is conserved.
        var supply: UInt64 = 0
        for entry in ledger.store.allRecords() {
            if let account = try? AccountRecord.decode(entry.record!) { supply += account.balance }
        }
        #expect(supply == 1_050)
    }
}
