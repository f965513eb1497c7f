/// Strict, field-by-field reading of a FogLedger object: a CBOR map with small integer keys.
///
/// Each accessor consumes one key; `finish()` rejects any key that was not consumed, so an object
/// with an unknown field is an error rather than silently ignored data. Errors name the object and the
/// field (`reading.seq: expected unsigned integer, found text string`).
public struct CBORFields: Sendable {
    private let object: String
    private var remaining: [Int64: CBORValue]
    private var keyOrder: [Int64]

    /// Starts reading `value`, which must be a map whose keys are all integers.
    public init(_ value: CBORValue, object: String) throws(CBORError) {
        guard case .map(let entries) = value else {
            throw .schema("\(object): expected map, found \(value.typeName)")
        }
        self.object = object
        remaining = [:]
        keyOrder = []
        for entry in entries {
            guard let key = entry.key.int64 else {
                throw .schema("\(object): expected integer map keys, found \(entry.key.typeName)")
            }
            remaining[key] = entry.value
            keyOrder.append(key)
        }
    }

    /// The value under `key`, which must be present.
    public mutating func required(_ key: Int64, _ name: String) throws(CBORError) -> CBORValue {
        guard let value = remaining.removeValue(forKey: key) else {
            throw .schema("\(object).\(name): missing (key \(key))")
        }
        return value
    }

    /// The value under `key`, or `nil` when absent.
    public mutating func optional(_ key: Int64) -> CBORValue? {
        remaining.removeValue(forKey: key)
    }

    /// The unsigned integer under `key`.
    public mutating func uint(_ key: Int64, _ name: String) throws(CBORError) -> UInt64 {
        try Self.uint(required(key, name), "\(object).\(name)")
    }

    /// The signed integer under `key`.
    public mutating func int(_ key: Int64, _ name: String) throws(CBORError) -> Int64 {
        let value = try required(key, name)
        guard let n = value.int64 else {
            throw .schema("\(object).\(name): expected 64-bit integer, found \(value.typeName)")
        }
        return n
    }

    /// The byte string under `key`, whose length must lie in `length`.
    public mutating func bytes(_ key: Int64, _ name: String, length: ClosedRange<Int>) throws(CBORError) -> [UInt8] {
        try Self.bytes(required(key, name), "\(object).\(name)", length: length)
    }

    /// The text string under `key`, at most `maxBytes` UTF-8 bytes long and not empty.
    public mutating func text(_ key: Int64, _ name: String, maxBytes: Int) throws(CBORError) -> String {
        try Self.text(required(key, name), "\(object).\(name)", maxBytes: maxBytes)
    }

    /// The array under `key`, with at most `maxCount` items.
    public mutating func array(_ key: Int64, _ name: String, maxCount: Int) throws(CBORError) -> [CBORValue] {
        let value = try required(key, name)
        guard case .array(let items) = value else {
            throw .schema("\(object).\(name): expected array, found \(value.typeName)")
        }
        guard items.count <= maxCount else {
            throw .schema("\(object).\(name): \(items.count) items exceed the limit of \(maxCount)")
        }
        return items
    }

    /// Fails if any key was not consumed.
    public func finish() throws(CBORError) {
        if let unknown = keyOrder.first(where: { remaining[$0] != nil }) {
            throw .schema("\(object): unknown field \(unknown)")
        }
    }

    /// `value` as an unsigned integer, or a schema error naming `field`.
    public static func uint(_ value: CBORValue, _ field: String) throws(CBORError) -> UInt64 {
        guard case .unsigned(let n) = value else {
            throw .schema("\(field): expected unsigned integer, found \(value.typeName)")
        }
        return n
    }

    /// `value` as a byte string whose length lies in `length`, or a schema error naming `field`.
    public static func bytes(_ value: CBORValue, _ field: String, length: ClosedRange<Int>) throws(CBORError) -> [UInt8] {
        guard case .bytes(let b) = value else {
            throw .schema("\(field): expected byte string, found \(value.typeName)")
        }
        guard length.contains(b.count) else {
            let expected = length.lowerBound == length.upperBound
                ? "\(length.lowerBound)" : "\(length.lowerBound)–\(length.upperBound)"
            throw .schema("\(field): expected \(expected) bytes, found \(b.count)")
        }
        return b
    }

    /// `value` as a non-empty text string of at most `maxBytes` bytes, or a schema error naming `field`.
    public static func text(_ value: CBORValue, _ field: String, maxBytes: Int) throws(CBORError) -> String {
        guard case .text(let t) = value else {
            throw .schema("\(field): expected text string, found \(value.typeName)")
        }
        guard !t.isEmpty, t.utf8.count <= maxBytes else {
            throw .schema("\(field): text must be 1–\(maxBytes) bytes, found \(t.utf8.count)")
        }
        return t
    }
}
