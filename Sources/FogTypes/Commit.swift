public import FogCore
public import FogCrypto

/// One validator's precommit signature inside a commit.
public struct CommitSignature: Hashable, Sendable {
    /// The validator's address.
    public let validator: Address
    /// Its signature over the COSE Sig_structure of its precommit vote.
    public let signature: [UInt8]

    /// Creates a commit signature.
    public init(validator: Address, signature: [UInt8]) {
        self.validator = validator
        self.signature = signature
    }
}

/// The precommits that finalise a block:
/// `{0: 18, 1: chain, 2: height, 3: round, 4: block id, 5: [[validator, signature], …]}`.
///
/// Only the signatures travel: each validator's precommit `Vote` is rebuilt from the commit's fields,
/// wrapped in the COSE Sig_structure with the protected header `{1: alg}` of that validator's key,
/// and checked. Signatures are sorted by validator address, one per validator.
public struct Commit: CanonicalObject {
    public static let objectType = ObjectType.commit

    /// The chain.
    public let chainID: ChainID
    /// The committed height.
    public let height: UInt64
    /// The round in which the block was committed.
    public let round: UInt64
    /// The committed block's id.
    public let blockID: Hash256
    /// The precommit signatures, sorted by validator address.
    public let signatures: [CommitSignature]

    /// Creates a commit; signatures are sorted here and must name distinct validators.
    public init(chainID: ChainID, height: UInt64, round: UInt64, blockID: Hash256,
                signatures: [CommitSignature]) throws(ObjectError) {
        guard height >= 1 else { throw ObjectError(.invalidValue, "commit.height must be at least 1") }
        guard !signatures.isEmpty, signatures.count <= ObjectLimits.maxValidators else {
            throw ObjectError(.limitExceeded, "a commit holds 1–\(ObjectLimits.maxValidators) signatures, found \(signatures.count)")
        }
        let sorted = signatures.sorted { $0.validator < $1.validator }
        for index in sorted.indices.dropFirst() where sorted[index - 1].validator == sorted[index].validator {
            throw ObjectError(.invalidValue, "commit: validator \(sorted[index].validator) signs twice")
        }
        self.chainID = chainID
        self.height = height
        self.round = round
        self.blockID = blockID
        self.signatures = sorted
    }

    /// Builds the commit from signed precommits for one block, height and round.
    public init(precommits: [Signed<Vote>]) throws(ObjectError) {
        guard let first = precommits.first?.object, let blockID = first.blockID else {
            throw ObjectError(.invalidValue, "a commit needs precommits for a block")
        }
        var signatures: [CommitSignature] = []
        for signed in precommits {
            let vote = signed.object
            guard vote.step == .precommit, vote.chainID == first.chainID, vote.height == first.height,
                  vote.round == first.round, vote.blockID == blockID
            else {
                throw ObjectError(.invalidValue, "precommit of \(vote.validator) is for another block, height or round")
            }
            guard signed.envelope.protectedHeader == COSESign1.protectedHeader(for: signed.envelope.algorithm) else {
                throw ObjectError(.malformed, "precommit of \(vote.validator) has a non-canonical protected header")
            }
            signatures.append(CommitSignature(validator: vote.validator, signature: signed.envelope.signature))
        }
        try self.init(chainID: first.chainID, height: first.height, round: first.round, blockID: blockID,
                      signatures: signatures)
    }

    /// Checks every signature against `validators` and that the signers hold a quorum
    /// (more than 2/3 of the set's power). Returns the power that signed.
    @discardableResult
    public func verify(validators: ValidatorSet) throws(ObjectError) -> UInt64 {
        try verify(validators: validators, trusting: nil)
    }

    /// ``verify(validators:)``, except that a signature `verified` also carries is not checked
    /// again when `verified` is a commit of the same vote (chain, height, round and block): the
    /// signed message is then the same. `verified` must be a commit already checked against
    /// `validators`, such as the one a node stored for that height.
    @discardableResult
    public func verify(validators: ValidatorSet, trusting verified: Commit?) throws(ObjectError) -> UInt64 {
        let known: Set<CommitSignature>
        if let verified, verified.chainID == chainID, verified.height == height, verified.round == round,
           verified.blockID == blockID {
            known = Set(verified.signatures)
        } else {
            known = []
        }
        let signedPower = try checkSignatures(of: validators, known: known, outsiders: .rejected)
        guard validators.isQuorum(signedPower) else {
            throw ObjectError(.badSignature, "commit carries \(signedPower) of \(validators.totalPower) power; more than 2/3 is needed")
        }
        return signedPower
    }

    /// The power of `validators` whose members signed this commit, by address; no signature is
    /// checked. For a commit already verified against its own height's set, this is how much of
    /// another set (one that shares members with it) stands behind the block.
    public func power(signedIn validators: ValidatorSet) -> UInt64 {
        signatures.reduce(0) { $0 + (validators.validator($1.validator)?.power ?? 0) }
    }

    /// Checks the signatures of this commit's signers that are members of `validators`, each with that
    /// member's key, and returns their power. Signers outside `validators` are left unchecked and count
    /// nothing. No quorum is required: the caller compares the power with what it needs.
    public func verifySignatures(ofMembersOf validators: ValidatorSet) throws(ObjectError) -> UInt64 {
        try checkSignatures(of: validators, known: [], outsiders: .ignored)
    }

    /// What to do with a signer that is not in the set.
    private enum Outsiders { case rejected, ignored }

    /// Checks, in one batch, the signatures of the signers in `validators` that `known` does not hold,
    /// and returns the power of all signers in `validators`.
    private func checkSignatures(of validators: ValidatorSet, known: Set<CommitSignature>,
                                 outsiders: Outsiders) throws(ObjectError) -> UInt64 {
        var signedPower: UInt64 = 0
        var batch = SignatureBatch()
        var checked: [CommitSignature] = []
        for entry in signatures {
            guard let validator = validators.validator(entry.validator) else {
                if outsiders == .ignored { continue }
                throw ObjectError(.badSignature, "commit signed by \(entry.validator), which is not a validator")
            }
            signedPower += validator.power
            if known.contains(entry) { continue }
            let vote = try Vote(chainID: chainID, step: .precommit, height: height, round: round,
                                blockID: blockID, validator: entry.validator)
            let message = COSESign1.toBeSigned(protectedHeader: COSESign1.protectedHeader(for: validator.publicKey.algorithm),
                                               payload: vote.encoded)
            batch.append(entry.signature, over: message, by: validator.publicKey)
            checked.append(entry)
        }
        // Checked together: a commit's signatures are a quorum's, three or more.
        if let invalid = batch.verify().firstIndex(of: false) {
            throw ObjectError(.badSignature, "commit signature of \(checked[invalid].validator) does not verify")
        }
        return signedPower
    }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, .text(chainID.value))
        entries.put(2, .unsigned(height))
        entries.put(3, .unsigned(round))
        entries.put(4, .hash(blockID))
        entries.put(5, .array(signatures.map { .array([.address($0.validator), .bytes($0.signature)]) }))
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let chainID = try fields.chain()
        let height = try fields.uint(2, "height")
        let round = try fields.uint(3, "round")
        let blockID = try fields.hash(4, "block")
        let items = try fields.list(5, "commit.signatures", maxCount: ObjectLimits.maxValidators)
        var signatures: [CommitSignature] = []
        for (index, item) in items.enumerated() {
            let field = "commit.signatures[\(index)]"
            guard case .array(let pair) = item, pair.count == 2 else {
                throw ObjectError(.malformed, "\(field): expected [validator, signature]")
            }
            let address = Address(bytes: try CBORFields.bytes(pair[0], "\(field).validator", length: 20...20))!
            // 1 byte up to the longest signature of any algorithm (ML-DSA-65's); verify checks the exact length.
            let maxSignature = SignatureAlgorithm.mldsa65.signatureByteCount
            guard case .bytes(let signature) = pair[1] else {
                throw ObjectError(.malformed, "\(field).signature: expected byte string, found \(pair[1].typeName)")
            }
            guard (1...maxSignature).contains(signature.count) else {
                throw ObjectError(.limitExceeded, "\(field).signature: must be 1–\(maxSignature) bytes, found \(signature.count)")
            }
            signatures.append(CommitSignature(validator: address, signature: signature))
        }
        try self.init(chainID: chainID, height: height, round: round, blockID: blockID, signatures: signatures)
        guard self.signatures == signatures else {
            throw ObjectError(.malformed, "commit.signatures: not sorted by validator address")
        }
    }
}
