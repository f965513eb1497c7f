import FogCore

/// The 20-byte ledger address of a device, account or validator: the first 20 bytes of the
/// SHA-256 of the canonical COSE_Key of the public key it was created with (spec/device-identity.md).
///
/// An address stays the same when its key is later rotated; the ledger maps it to the current key.
/// Its text form is 40 lowercase hexadecimal characters.
public struct Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The number of bytes in an address.
    public static let byteCount = 20

    /// The 20 bytes.
    public let bytes: [UInt8]

    /// An address from exactly 20 bytes; `nil` for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// An address from 40 hexadecimal characters; `nil` for anything else.
    public init?(hex: some StringProtocol) {
        guard let bytes = Hex.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    /// The address derived from `publicKey`.
    public init(publicKey: PublicKey) {
        let digest = SHA256Hasher.hash(COSEKey.encode(publicKey))
        bytes = Array(digest.bytes.prefix(Self.byteCount))
    }

    /// The 40-character lowercase hexadecimal form.
    public var hex: String { Hex.encode(bytes) }

    public var description: String { hex }

    public static func < (lhs: Address, rhs: Address) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
