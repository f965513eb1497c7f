/// HMAC-SHA256 (RFC 2104) over ``SHA256Hasher``: the tag a gateway-mode device puts on its readings
/// with the key it shares with its gateway (spec/gateway.md §5).
public enum HMACSHA256 {
    /// SHA-256's block size, in bytes.
    static let blockBytes = 64

    /// The 32-byte tag of `message` under `key` (any length; longer than a block is hashed first).
    public static func tag(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var block = key.count > blockBytes ? SHA256Hasher.hash(key).bytes : key
        block += [UInt8](repeating: 0, count: blockBytes - block.count)
        var inner = SHA256Hasher()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = SHA256Hasher()
        outer.update(block.map { $0 ^ 0x5c })
        outer.update(inner.finalize())
        return outer.finalize().bytes
    }

    /// Whether `tag` is `message`'s tag under `key`; compares in time independent of where they differ.
    public static func isValid(_ tag: [UInt8], key: [UInt8], message: [UInt8]) -> Bool {
        let expected = Self.tag(key: key, message: message)
        guard tag.count == expected.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ tag[index] }
        return difference == 0
    }
}
