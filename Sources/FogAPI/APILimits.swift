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
}
