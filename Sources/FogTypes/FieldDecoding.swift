import FogCore
import FogCrypto

/// Runs a decoding step and reports whatever it throws as an `ObjectError`.
func decoding<T>(_ body: () throws -> T) throws(ObjectError) -> T {
    do {
        return try body()
    } catch let error as ObjectError {
        throw error
    } catch let error as CBORError {
        throw ObjectError(error)
    } catch let error as CryptoError {
        throw ObjectError(error)
    } catch {
        throw ObjectError(.malformed, "\(error)")
    }
}

extension CBORFields {
    /// A 20-byte address.
    mutating func address(_ key: Int64, _ name: String) throws -> Address {
        Address(bytes: try bytes(key, name, length: Address.byteCount...Address.byteCount))!
    }

    /// A 32-byte digest.
    mutating func hash(_ key: Int64, _ name: String) throws -> Hash256 {
        Hash256(bytes: try bytes(key, name, length: Hash256.byteCount...Hash256.byteCount))!
    }
}

extension CBORValue {
    /// An address as a byte string.
    static func address(_ address: Address) -> CBORValue { .bytes(address.bytes) }

    /// A digest as a byte string.
    static func hash(_ hash: Hash256) -> CBORValue { .bytes(hash.bytes) }
}

extension Array where Element == CBORMapEntry {
    /// Appends `key: value`.
    mutating func put(_ key: Int64, _ value: CBORValue) {
        append(CBORMapEntry(.int(key), value))
    }
}

extension CBORFields {
    /// The array under `key`: more than `maxCount` items is `limit-exceeded`, anything but an array
    /// is `malformed`.
    mutating func list(_ key: Int64, _ field: String, maxCount: Int) throws -> [CBORValue] {
        let value = try required(key, field.split(separator: ".").last.map(String.init) ?? field)
        guard case .array(let items) = value else {
            throw ObjectError(.malformed, "\(field): expected array, found \(value.typeName)")
        }
        guard items.count <= maxCount else {
            throw ObjectError(.limitExceeded, "\(field): \(items.count) items exceed the limit of \(maxCount)")
        }
        return items
    }

    /// A public key stored in an object: its canonical COSE_Key and nothing else (no `alg`, no
    /// `kid`), so that the object re-encodes to the bytes it was read from.
    mutating func canonicalKey(_ key: Int64, _ field: String) throws -> PublicKey {
        let value = try required(key, "key")
        let publicKey = try COSEKey.decode(value)
        guard COSEKey.value(publicKey) == value else {
            throw ObjectError(.malformed, "\(field).key: not the canonical COSE_Key (extra parameters)")
        }
        return publicKey
    }

    /// The chain id under key 1.
    mutating func chain() throws -> ChainID {
        try ChainID(cbor: try required(1, "chain"), field: "chain")
    }
}
