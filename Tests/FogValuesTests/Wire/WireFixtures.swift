import FogCore
import FogCrypto
import FogTypes
import FogWire

/// Sample messages of every type, built from the FogTypes fixtures.
enum WireFixtures {
    static let nodeKey = Fixtures.signer(.ed25519, 0)

    static func handshake(chain: ChainID = Fixtures.chain, genesis: Hash256 = Fixtures.hashA, node: Address? = nil,
                          version: UInt64 = Handshake.currentVersion) throws -> Handshake {
        try Handshake(version: version, chainID: chain, genesisHash: genesis, nodeID: node ?? nodeKey.publicKey.address,
                      latestHeight: 42, listenAddress: "127.0.0.1:26656")
    }

    /// Block 2 with two transactions and the commit of block 1, and the commit of block 2 itself.
    static func committedBlock() throws -> CommittedBlock {
        let (_, keys) = try Fixtures.validatorSet(count: 4)
        let header = try Fixtures.header(height: 2)
        let block = try Block(header: header, transactions: [[0x01, 0x02], [0x03]],
                              lastCommit: try Fixtures.commit(keys, block: Fixtures.hashA, height: 1))
        return try CommittedBlock(block: block, commit: try Fixtures.commit(keys, block: header.hash, height: 2))
    }

    static func blockProposal() throws -> BlockProposal {
        let committed = try committedBlock()
        let proposal = try Proposal(chainID: Fixtures.chain, height: 2, round: 1, polRound: -1,
                                    blockID: committed.block.header.hash, proposer: nodeKey.publicKey.address)
        return try BlockProposal(proposal: try Signed.sign(proposal, with: nodeKey), block: committed.block)
    }

    static func vote() throws -> Signed<Vote> {
        try Signed.sign(try Fixtures.vote(validator: nodeKey.publicKey.address), with: nodeKey)
    }

    static func transactionEnvelope() throws -> [UInt8] {
        try Signed.sign(try Fixtures.transaction(signer: nodeKey.publicKey.address), with: nodeKey).bytes
    }

    /// One message of every type.
    static func all() throws -> [WireMessage] {
        [
            .handshake(try handshake()), .ping(nonce: 7), .pong(nonce: .max), .proposal(try blockProposal()),
            .vote(try vote()), .transactions([try transactionEnvelope(), [0xa0]]), .status(latestHeight: 0),
            .blockRequest(try BlockRange(from: 3, to: 34)), .blockResponse(try committedBlock()), .noBlock(height: 9),
        ]
    }
}
