import FogCore

/// The name of a chain: 1–64 characters from `a–z 0–9 . _ -`. Every signed object names its chain.
public struct ChainID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The chain id text.
    public let value: String

    /// Validates `value`: a length outside 1–`ObjectLimits.maxChainIDBytes` is `limit-exceeded`; a
    /// character outside the set is `invalid-value`.
    public init(_ value: String) throws(ObjectError) {
        let utf8 = value.utf8
        guard !utf8.isEmpty, utf8.count <= ObjectLimits.maxChainIDBytes else {
            throw ObjectError(.limitExceeded, "chain id must be 1–\(ObjectLimits.maxChainIDBytes) bytes, found \(utf8.count)")
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                continue
            default:
                throw ObjectError(.invalidValue, "chain id \"\(value)\" may contain only a–z, 0–9, '.', '_' and '-'")
            }
        }
        self.value = value
    }

    /// Reads a chain id from a CBOR text string.
    init(cbor: CBORValue, field: String) throws(ObjectError) {
        guard case .text(let text) = cbor else {
            throw ObjectError(.malformed, "\(field): expected text string, found \(cbor.typeName)")
        }
        try self.init(text)
    }

    public var description: String { value }

    public static func < (lhs: ChainID, rhs: ChainID) -> Bool { lhs.value < rhs.value }
}
