import FogCrypto
import FogExecution
import FogTypes

/// The transactions simulated clients submit: signed transfers between the genesis accounts.
enum SimulationWorkload {
    /// `count` transfers, alternating senders, each with its sender's next nonce.
    static func transfers(chain: ChainID, from accounts: [PrivateKey], count: Int) throws -> [[UInt8]] {
        var nonces = Array(repeating: UInt64(0), count: accounts.count)
        return try (0..<count).map { index in
            let sender = index % accounts.count
            let receiver = accounts[(sender + 1) % accounts.count].publicKey.address
            let body = TransactionBody.transfer(to: receiver, amount: UInt64(1 + index))
            let transaction = try Transaction(chainID: chain, signer: accounts[sender].publicKey.address,
                                              nonce: nonces[sender], kind: body.kind, body: body.cborValue)
            nonces[sender] += 1
            return try Signed.sign(transaction, with: accounts[sender]).bytes
        }
    }
}
