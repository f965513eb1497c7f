import FogCore
import FogCrypto
import FogTypes

extension LightVerifier {
    /// The header a bundle proves against, once it is shown to be finalised by the chain of the trusted
    /// genesis: steps 1–4 of spec/light-client.md §5.
    func trustedHeader(chainID: ChainID, claimedGenesis: Hash256, history: [ValidatorSetChange],
                       signedHeader: SignedHeader) throws(LightError) -> BlockHeader {
        guard chainID == genesis.chainID else {
            throw LightError(.wrongChain, "the bundle is for chain \(chainID), the genesis for \(genesis.chainID)")
        }
        guard claimedGenesis == genesisHash else {
            throw LightError(.genesisMismatch, "the bundle chains from genesis \(claimedGenesis), the trusted genesis is \(genesisHash)")
        }
        guard history.count <= ProofLimits.maxValidatorSetChanges else {
            throw LightError(.limitExceeded, "\(history.count) validator-set changes exceed \(ProofLimits.maxValidatorSetChanges)")
        }
        var trusted = genesis.validators
        var trustedHash = trusted.hash
        var firstHeight: UInt64 = 1  // the lowest height `trusted` can sign
        for (index, change) in history.enumerated() {
            let header = change.signedHeader.header
            let step = "history[\(index)] (height \(header.height))"
            try checkSignedHeader(change.signedHeader, trusted: trusted, trustedHash: trustedHash,
                                  firstHeight: firstHeight, name: step)
            guard header.changesValidatorSet else {
                throw LightError(.malformed, "\(step): the validator set does not change there")
            }
            let nextHash = change.nextValidators.hash
            guard nextHash == header.nextValidatorsHash else {
                throw LightError(.untrustedValidatorSet, "\(step): the next validator set hashes to \(nextHash), the header names \(header.nextValidatorsHash)")
            }
            let (following, overflow) = header.height.addingReportingOverflow(1)
            guard !overflow else {
                throw LightError(.untrustedValidatorSet, "\(step): no height follows it, so nothing can be proven after it")
            }
            trusted = change.nextValidators
            trustedHash = nextHash
            firstHeight = following
        }
        try checkSignedHeader(signedHeader, trusted: trusted, trustedHash: trustedHash, firstHeight: firstHeight,
                              name: "the proven header (height \(signedHeader.header.height))")
        return signedHeader.header
    }

    /// Checks that `signed` is a header of this chain at or above `firstHeight` with a valid commit for
    /// exactly that header, which more than 2/3 of `trusted`'s power signed. A header that names
    /// `trusted` as its own set needs every signer in it; a header that names another set is trusted
    /// when `trusted`'s members among its signers hold that quorum (their signatures checked with their
    /// keys in `trusted`; other signers count nothing), which is what a sequential step asks of
    /// `trusted` too (spec/light-client.md §4).
    private func checkSignedHeader(_ signed: SignedHeader, trusted: ValidatorSet, trustedHash: Hash256,
                                   firstHeight: UInt64, name: String) throws(LightError) {
        let header = signed.header
        let commit = signed.commit
        guard header.chainID == genesis.chainID else {
            throw LightError(.wrongChain, "\(name): header for chain \(header.chainID), not \(genesis.chainID)")
        }
        guard header.height >= firstHeight else {
            throw LightError(.untrustedValidatorSet, "\(name): below height \(firstHeight), which the history has reached")
        }
        guard commit.chainID == header.chainID, commit.height == header.height else {
            throw LightError(.commitInvalid, "\(name): the commit is for \(commit.chainID) height \(commit.height)")
        }
        let blockID = header.blockID
        guard commit.blockID == blockID else {
            throw LightError(.commitInvalid, "\(name): the commit is for block \(commit.blockID), the header is \(blockID)")
        }
        let namesTrusted = header.validatorsHash == trustedHash
        let trustedPower: UInt64
        do {
            // A commit of the trusted set's own header needs every signer in it and a quorum.
            trustedPower = namesTrusted ? try commit.verify(validators: trusted)
                                        : try commit.verifySignatures(ofMembersOf: trusted)
        } catch {
            throw LightError(.commitInvalid, "\(name): \(error.detail)")
        }
        guard trusted.isQuorum(trustedPower) else {
            throw LightError(.untrustedValidatorSet, "\(name): signed by validator set \(header.validatorsHash), not the trusted set \(trustedHash), and the trusted set's members in its commit hold \(trustedPower) of \(trusted.totalPower) power; more than 2/3 is needed")
        }
    }
}
