public import FogCore
public import FogCrypto

/// The outcome of one envelope in a block: `{0: 23, 1: tx id, 2: height, 3: code}`.
///
/// The tx id is the envelope's payload hash (`Signed.payloadHash`); the code is `"ok"` or a stable
/// error code (spec/state.md §5). The human-readable detail of an error is not part of the receipt.
public struct Receipt: CanonicalObject {
    public static let objectType = ObjectType.receipt

    /// The code of a transaction that applied.
    public static let ok = "ok"

    /// SHA-256 of the envelope's payload (or of the envelope, when no payload could be read).
    public let transactionID: Hash256
    /// The height of the block that holds the envelope.
    public let height: UInt64
    /// `"ok"` or a stable error code.
    public let code: String

    /// Creates a receipt; the code must be 1 to `ObjectLimits.maxReceiptCodeBytes` bytes.
    public init(transactionID: Hash256, height: UInt64, code: String) throws(ObjectError) {
        let count = code.utf8.count
        guard count >= 1, count <= ObjectLimits.maxReceiptCodeBytes else {
            throw ObjectError(.limitExceeded, "receipt.code: must be 1–\(ObjectLimits.maxReceiptCodeBytes) bytes, found \(count)")
        }
        self.transactionID = transactionID
        self.height = height
        self.code = code
    }

    /// Whether the envelope applied.
    public var isOK: Bool { code == Receipt.ok }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, .hash(transactionID))
        entries.put(2, .unsigned(height))
        entries.put(3, .text(code))
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let id = try fields.hash(1, "txID")
        let height = try fields.uint(2, "height")
        let codeValue = try fields.required(3, "code")
        guard case .text(let code) = codeValue else {
            throw ObjectError(.malformed, "receipt.code: expected text string, found \(codeValue.typeName)")
        }
        try self.init(transactionID: id, height: height, code: code)
    }
}
