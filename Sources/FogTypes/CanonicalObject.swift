public import FogCore
public import FogCrypto

/// A FogLedger object with one canonical encoding: a deterministic CBOR map whose key 0 is the
/// object's type tag, and whose other keys are small integers defined per type (spec/encoding.md).
///
/// Decoding is strict: the type tag must match, every field must be known and well-typed, and every
/// named limit holds. Equal objects always have equal bytes, so `hash` identifies them.
public protocol CanonicalObject: Hashable, Sendable {
    /// The type tag under key 0.
    static var objectType: ObjectType { get }
    /// Every field except the type tag, in any order (encoding sorts them).
    func fields() -> [CBORMapEntry]
    /// Reads every field except the type tag; must consume each field it knows.
    init(fields: inout CBORFields) throws
}

extension CanonicalObject {
    /// The object as a CBOR map, type tag included.
    public var cborValue: CBORValue {
        var entries = fields()
        entries.put(0, .unsigned(Self.objectType.rawValue))
        return .map(entries)
    }

    /// The deterministic encoding.
    public var encoded: [UInt8] { cborValue.encoded }

    /// SHA-256 of the encoding.
    public var hash: Hash256 { SHA256Hasher.hash(encoded) }

    /// Decodes the object from untrusted bytes.
    public static func decode(_ bytes: [UInt8], limits: CBORLimits = .default) throws(ObjectError) -> Self {
        let value: CBORValue
        do {
            value = try CBORReader.decode(bytes, limits: limits)
        } catch {
            throw ObjectError(error)
        }
        return try decode(value)
    }

    /// Reads the object from a decoded CBOR value.
    public static func decode(_ value: CBORValue) throws(ObjectError) -> Self {
        try decoding {
            var fields = try CBORFields(value, object: "\(objectType)")
            let type = try fields.uint(0, "type")
            guard type == objectType.rawValue else {
                let found = ObjectType(rawValue: type).map { "\($0)" } ?? "unknown type \(type)"
                throw ObjectError(.wrongObjectType, "expected \(objectType), found \(found)")
            }
            let object = try Self(fields: &fields)
            try fields.finish()
            return object
        }
    }
}
