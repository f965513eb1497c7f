public import FogCrypto
import Synchronization

/// One gateway-mode reading's wait for the attestation that carries it: the transaction id once it
/// was admitted, or why it was not.
final class AttestationTicket: Sendable {
    private enum State {
        case waiting(CheckedContinuation<Result<Hash256, GatewayRejection>, Never>?)
        case done(Result<Hash256, GatewayRejection>)
    }

    private let state = Mutex(State.waiting(nil))

    /// Hands the outcome to the waiter (once; later calls are ignored).
    func resolve(_ outcome: Result<Hash256, GatewayRejection>) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<Hash256, GatewayRejection>, Never>? in
            guard case .waiting(let waiter) = state else { return nil }
            state = .done(outcome)
            return waiter
        }
        waiter?.resume(returning: outcome)
    }

    /// Waits for the outcome.
    func outcome() async -> Result<Hash256, GatewayRejection> {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Result<Hash256, GatewayRejection>? in
                switch state {
                case .done(let outcome): return outcome
                case .waiting:
                    state = .waiting(continuation)
                    return nil
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
