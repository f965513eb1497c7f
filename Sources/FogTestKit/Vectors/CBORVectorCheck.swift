public import FogCore

/// What a decoder did with a `CBORVector`'s input, to compare with what the vector expects.
public struct CBORVectorResult: Sendable, Equatable {
    /// Accepted or rejected.
    public var outcome: CBORVector.Outcome
    /// The error code name, when rejected.
    public var error: String?
    /// The error offset, when rejected.
    public var offset: Int?
    /// The error detail, when rejected by the schema.
    public var detail: String?
    /// The re-encoding of the decoded value, when accepted.
    public var reencodedHex: String?
    /// The decoded value, when the bytes decoded.
    public var value: CBORValue?
}

extension CBORVector {
    /// Runs `CBORReader` (and, for `schema == "sample"`, `CBORSample.read`) on this vector's input.
    ///
    /// - Precondition: `hex` is valid hexadecimal and `schema` is absent or `"sample"`.
    public func evaluate() -> CBORVectorResult {
        guard let bytes = Hex.decode(hex) else { preconditionFailure("vector \(hex): not hexadecimal") }
        let value: CBORValue
        do {
            value = try CBORReader.decode(bytes, limits: limits?.cborLimits ?? .default)
        } catch {
            return CBORVectorResult(outcome: .rejected, error: error.code.description, offset: error.offset)
        }
        let reencoded = Hex.encode(value.encoded)
        if let schema {
            precondition(schema == CBORSample.schemaName, "unknown vector schema \(schema)")
            do {
                _ = try CBORSample.read(value)
            } catch {
                return CBORVectorResult(outcome: .rejected, error: error.code.description, offset: error.offset,
                                        detail: error.detail, value: value)
            }
        }
        return CBORVectorResult(outcome: .accepted, reencodedHex: reencoded, value: value)
    }
}

/// The example object that the schema vectors read with `CBORFields`:
///
/// ```
/// sample = {
///   1: uint,               ; seq
///   2: bstr .size 4,       ; id
///   3: tstr .size (1..8),  ; name (UTF-8 bytes)
///   4: [* any] (at most 2) ; tags
///   5: int,                ; delta (signed, 64-bit)
/// }
/// ```
/// Fields are read in key order 1…5, then unknown keys are refused, so the first problem in that
/// order is the one reported.
public struct CBORSample: Sendable, Equatable {
    /// The schema name used in vector files.
    public static let schemaName = "sample"

    /// Field 1.
    public var seq: UInt64
    /// Field 2.
    public var id: [UInt8]
    /// Field 3.
    public var name: String
    /// Field 4.
    public var tags: [CBORValue]
    /// Field 5.
    public var delta: Int64

    /// Creates a sample.
    public init(seq: UInt64, id: [UInt8], name: String, tags: [CBORValue], delta: Int64) {
        self.seq = seq
        self.id = id
        self.name = name
        self.tags = tags
        self.delta = delta
    }

    /// Reads a sample object strictly.
    public static func read(_ value: CBORValue) throws(CBORError) -> CBORSample {
        var fields = try CBORFields(value, object: schemaName)
        let sample = CBORSample(
            seq: try fields.uint(1, "seq"),
            id: try fields.bytes(2, "id", length: 4...4),
            name: try fields.text(3, "name", maxBytes: 8),
            tags: try fields.array(4, "tags", maxCount: 2),
            delta: try fields.int(5, "delta"))
        try fields.finish()
        return sample
    }
}
