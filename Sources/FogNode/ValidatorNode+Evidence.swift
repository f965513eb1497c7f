import FogConsensus
import FogCrypto
import FogExecution
import FogTypes

/// One equivocation: a validator's two votes for one height, round and step.
struct EquivocationKey: Hashable, Sendable {
    let validator: Address
    let height: UInt64
    let round: UInt64
    let step: VoteStep
}

/// Evidence: when the machine sees two conflicting votes of one validator, this node submits an
/// evidence transaction (kind 21) to its own mempool and gossips it, signed with its validator key
/// as an account (spec/state.md §4: any account may submit evidence). Execution then jails the
/// offender for good and removes it from the pending set (slashing its stakes in DPoS), so the
/// validator set changes two heights after the block that carries the evidence. Each equivocation
/// is reported once by this node (evidence of the height being decided once that height is
/// committed); a second report by another validator fails in admission or in its block (the
/// offender is already jailed).
extension ValidatorNode {
    /// The most equivocations waiting for their height to be committed.
    static let maxWaitingEvidence = 64

    /// Reports an equivocation the machine saw. Evidence about height `h` is valid only in a block
    /// above `h`, so evidence of the height being decided waits until that height is committed.
    func report(_ evidence: Equivocation) {
        let vote = evidence.first.object
        let key = EquivocationKey(validator: vote.validator, height: vote.height, round: vote.round, step: vote.step)
        guard !reportedEquivocations.contains(key) else { return }
        reportedEquivocations.insert(key)
        if let latest = try? store.latestHeight(), vote.height <= latest {
            submitEvidence(evidence)
        } else if waitingEvidence.count < Self.maxWaitingEvidence {
            waitingEvidence.append(evidence)
        }
    }

    /// Submits the evidence that waited for the height just committed.
    func submitWaitingEvidence() {
        guard !waitingEvidence.isEmpty, let latest = try? store.latestHeight() else { return }
        let ready = waitingEvidence.filter { $0.first.object.height <= latest }
        waitingEvidence.removeAll { $0.first.object.height <= latest }
        for evidence in ready { submitEvidence(evidence) }
    }

    /// Signs an evidence transaction with the validator key as an account, admits it and gossips it.
    private func submitEvidence(_ evidence: Equivocation) {
        let offender = evidence.validator
        do {
            guard let account = try pendingState.account(address) else {
                logger.warning("no account signs this node's evidence", metadata: ["address": "\(address)"])
                return
            }
            let body = TransactionBody.validator(.evidence(evidence))
            let transaction = try body.transaction(chainID: genesis.chainID, signer: address, nonce: account.nonce)
            let envelope = try Signed.sign(transaction, with: validatorKey).bytes
            let id = try admitAndGossip(prepare(envelope))
            logger.warning("evidence submitted", metadata: ["validator": "\(offender)", "transaction": "\(id)"])
        } catch let error as SubmissionError where error.code == ExecutionError.Code.alreadyPunished.name {
            // Another validator's evidence of the same offence was committed first: nothing to do.
            logger.debug("evidence already committed", metadata: ["validator": "\(offender)"])
        } catch {
            logger.error("cannot submit evidence", metadata: ["validator": "\(offender)", "error": "\(error)"])
        }
    }
}
