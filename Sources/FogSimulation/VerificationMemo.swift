import FogConsensus
import FogCrypto
import FogTypes
import Synchronization

/// The signature checks of one simulation, remembered: every validator of a simulated network
/// verifies the same signed votes and commits, and a check is a pure function of key, message and
/// signature, so each distinct one is computed once and its answer reused. Behaviour is unchanged;
/// only the simulation runs faster.
final class VerificationMemo: Sendable {
    private let answers = Mutex<[Hash256: Bool]>([:])

    /// A consensus verifier that consults the memo.
    var verifier: SignatureVerifier {
        SignatureVerifier { [self] envelope, bytes, key in
            remember(SHA256Hasher.hash(key.address.bytes + bytes)) { (try? envelope.verify(with: key)) != nil }
        }
    }

    /// Whether `commit` verifies against `validators`.
    func verifies(_ commit: Commit, validators: ValidatorSet) -> Bool {
        remember(SHA256Hasher.hash(validators.hash.bytes + commit.hash.bytes)) {
            (try? commit.verify(validators: validators)) != nil
        }
    }

    private func remember(_ key: Hash256, _ check: () -> Bool) -> Bool {
        if let known = answers.withLock({ $0[key] }) { return known }
        let answer = check()
        answers.withLock { $0[key] = answer }
        return answer
    }
}
