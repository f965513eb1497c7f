import FogCore
import FogCrypto
import FogTypes

/// Shared reading and writing of message bodies: each is a deterministic CBOR map with small
/// integer keys, read strictly with `CBORFields`.
enum WireBody {
    /// Runs `body`, turning any CBOR or object error into a `WireError`.
    static func decoding<T>(_ body: () throws -> T) throws(WireError) -> T {
        do {
            return try body()
        } catch let error as WireError {
            throw error
        } catch let error as ObjectError {
            throw WireError(error)
        } catch let error as CBORError {
            throw WireError(error)
        } catch {
            throw WireError(.malformed, "\(error)")
        }
    }

    /// A map of `entries` (keys 1, 2, …).
    static func map(_ entries: [(Int64, CBORValue)]) -> CBORValue {
        .map(entries.map { CBORMapEntry(.int($0.0), $0.1) })
    }

    static func address(_ fields: inout CBORFields, _ key: Int64, _ name: String) throws -> Address {
        Address(bytes: try fields.bytes(key, name, length: Address.byteCount...Address.byteCount))!
    }

    static func hash(_ fields: inout CBORFields, _ key: Int64, _ name: String) throws -> Hash256 {
        Hash256(bytes: try fields.bytes(key, name, length: Hash256.byteCount...Hash256.byteCount))!
    }

    /// A byte string of 1…`maxBytes` bytes.
    static func bytes(_ fields: inout CBORFields, _ key: Int64, _ name: String, maxBytes: Int) throws -> [UInt8] {
        try bytes(try fields.required(key, name), name, maxBytes: maxBytes)
    }

    /// `value` as a byte string of 1…`maxBytes` bytes.
    static func bytes(_ value: CBORValue, _ name: String, maxBytes: Int) throws -> [UInt8] {
        guard case .bytes(let bytes) = value else {
            throw WireError(.malformed, "\(name): expected byte string, found \(value.typeName)")
        }
        guard !bytes.isEmpty else { throw WireError(.invalidValue, "\(name): empty") }
        guard bytes.count <= maxBytes else {
            throw WireError(.limitExceeded, "\(name): \(bytes.count) bytes exceed \(maxBytes)")
        }
        return bytes
    }
}
