import FogStore
import FogTypes

/// The API's named limits.
public enum APILimits {
    /// The largest `application/cbor` submission: one envelope.
    public static let maxCBORBodyBytes = ObjectLimits.maxEnvelopeBytes
    /// The largest JSON submission: one envelope in base64 plus room for the JSON around it.
    public static let maxJSONBodyBytes = (ObjectLimits.maxEnvelopeBytes + 2) / 3 * 4 + 1024
    /// Readings per page when `limit` is not given.
    public static let defaultReadingsPage = 100
    /// The most readings one page returns.
    public static let maxReadingsPage = StoreLimits.maxReadingsPage
    /// The most transaction ids one `GET /v1/transactions?ids=` asks about.
    public static let maxStatusIDs = 256
    /// The most envelopes one `application/cbor-seq` submission carries.
    public static let maxSequenceEnvelopes = 1_024
    /// The largest `application/cbor-seq` submission, in bytes (each envelope in it is still at most
    /// ``maxCBORBodyBytes``).
    public static let maxSequenceBodyBytes = 4 * 1024 * 1024
}
