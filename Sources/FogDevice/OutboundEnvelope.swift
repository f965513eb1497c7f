import FogCore
public import FogCrypto
public import FogTypes

/// A signed reading or reading batch ready to send: its COSE_Sign1 bytes, its transaction id and the
/// sequence numbers it covers.
public struct OutboundEnvelope: Hashable, Sendable {
    /// The COSE_Sign1 bytes (what `POST /v1/transactions` and the readings topic take).
    public let bytes: [UInt8]
    /// The transaction id: SHA-256 of the COSE payload.
    public let transactionID: Hash256
    /// The device that signed.
    public let device: Address
    /// The first and last sequence numbers covered.
    public let sequences: ClosedRange<UInt64>
    /// How many readings it carries.
    public let readingCount: Int

    /// Reads an envelope the device signed earlier (from the queue file): it must decode as a
    /// `Reading` or `ReadingBatch`.
    public init(decoding bytes: [UInt8]) throws(DeviceError) {
        if let single = try? Signed<Reading>(decoding: bytes) {
            self.init(bytes: bytes, payload: single.envelope.payload, device: single.object.device,
                      sequences: single.object.sequence...single.object.sequence, count: 1)
            return
        }
        do throws(ObjectError) {
            let batch = try Signed<ReadingBatch>(decoding: bytes)
            let readings = batch.object.readings
            self.init(bytes: bytes, payload: batch.envelope.payload, device: batch.object.device,
                      sequences: readings[0].sequence...readings[readings.count - 1].sequence, count: readings.count)
        } catch {
            throw DeviceError("malformed", "not a signed reading or reading batch: \(error.detail)")
        }
    }

    private init(bytes: [UInt8], payload: [UInt8], device: Address, sequences: ClosedRange<UInt64>, count: Int) {
        self.bytes = bytes
        self.transactionID = SHA256Hasher.hash(payload)
        self.device = device
        self.sequences = sequences
        self.readingCount = count
    }

    /// Signs `readings` (one device, increasing sequence numbers): a `Reading` alone, a `ReadingBatch`
    /// for more than one.
    public static func seal(_ readings: [Reading], with signer: some Signer) throws(DeviceError) -> OutboundEnvelope {
        guard let first = readings.first, let last = readings.last else {
            throw DeviceError("invalid-value", "nothing to seal")
        }
        let payload: [UInt8]
        if readings.count == 1 {
            payload = first.encoded
        } else {
            do throws(ObjectError) {
                payload = try ReadingBatch(chainID: first.chainID, device: first.device, readings: readings).encoded
            } catch {
                throw DeviceError(error.code.description, error.detail)
            }
        }
        let envelope = try EnvelopeSealer.seal(payload, with: signer)
        return OutboundEnvelope(bytes: envelope.encoded, payload: payload, device: first.device,
                                sequences: first.sequence...last.sequence, count: readings.count)
    }
}
