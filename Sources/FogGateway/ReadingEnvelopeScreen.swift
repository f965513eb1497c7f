public import FogCrypto
import FogExecution
public import FogTypes

/// Why the gateway refused a message before or at submission: the ``GatewayAck/rejected(tx:code:message:)``
/// it answers with.
public struct GatewayRejection: Error, Hashable, Sendable {
    /// The envelope's transaction id when the payload is a COSE_Sign1 at all.
    public let tx: Hash256?
    /// The stable code (the node's submission or execution code where one exists).
    public let code: String
    /// A human-readable detail.
    public let message: String

    /// Creates a rejection.
    public init(tx: Hash256?, code: String, message: String) {
        self.tx = tx
        self.code = code
        self.message = message
    }

    /// The ack that reports it.
    public var ack: GatewayAck { .rejected(tx: tx, code: code, message: message) }
}

/// The checks the gateway makes on a readings-topic payload before it submits it: the size limit,
/// a reading or reading batch of this chain, and the topic's device is the envelope's device.
/// Signatures and state are the node's admission's business.
public enum ReadingEnvelopeScreen {
    /// The transaction id of `payload` published on `device`'s readings topic, or why it is refused.
    public static func check(_ payload: [UInt8], device: Address, chain: ChainID) -> Result<Hash256, GatewayRejection> {
        guard payload.count <= ObjectLimits.maxEnvelopeBytes else {
            return .failure(GatewayRejection(
                tx: nil, code: ObjectError.Code.limitExceeded.description,
                message: "payload of \(payload.count) bytes exceeds \(ObjectLimits.maxEnvelopeBytes)"))
        }
        let tx: Hash256? = (try? COSESign1(decoding: payload)) != nil ? SignedEnvelope.transactionID(of: payload) : nil
        let signer: Address
        do {
            switch try SignedEnvelope(decoding: payload, chain: chain) {
            case .reading(let signed): signer = signed.object.device
            case .readingBatch(let signed): signer = signed.object.device
            case .transaction:
                return .failure(GatewayRejection(
                    tx: tx, code: ObjectError.Code.wrongObjectType.description,
                    message: "a readings topic carries readings and reading batches, found a transaction"))
            }
        } catch {
            return .failure(GatewayRejection(tx: tx, code: error.code.description, message: error.detail))
        }
        guard signer == device, let tx else {
            return .failure(GatewayRejection(
                tx: tx, code: "topic-mismatch",
                message: "the envelope is device \(signer.hex)'s, the topic names \(device.hex)"))
        }
        return .success(tx)
    }
}
