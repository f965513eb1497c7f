/// Base58 with the Bitcoin alphabet ("base58btc"), as did:key uses it.
enum Base58 {
    private static let alphabet: [UInt8] = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    private static let decodeTable: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = Int8(index) }
        return table
    }()

    /// Encodes `bytes`; each leading zero byte becomes a leading "1".
    static func encode(_ bytes: [UInt8]) -> String {
        let zeros = bytes.prefix { $0 == 0 }.count
        var digits: [UInt8] = []  // base-58 digits, least significant first
        digits.reserveCapacity(bytes.count * 138 / 100 + 1)
        for byte in bytes[zeros...] {
            var carry = Int(byte)
            for index in digits.indices {
                carry += Int(digits[index]) << 8
                digits[index] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        let text = [UInt8](repeating: alphabet[0], count: zeros) + digits.reversed().map { alphabet[Int($0)] }
        return String(decoding: text, as: UTF8.self)
    }

    /// Decodes base58btc text; `nil` on any character outside the alphabet or text over `maxBytes`.
    static func decode(_ text: some StringProtocol, maxBytes: Int) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count <= maxBytes * 138 / 100 + 2 else { return nil }
        let zeros = chars.prefix { $0 == alphabet[0] }.count
        var bytes: [UInt8] = []  // least significant first
        for char in chars[zeros...] {
            guard char < 128, decodeTable[Int(char)] >= 0 else { return nil }
            var carry = Int(decodeTable[Int(char)])
            for index in bytes.indices {
                carry += Int(bytes[index]) * 58
                bytes[index] = UInt8(carry & 0xff)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xff))
                carry >>= 8
            }
        }
        let result = [UInt8](repeating: 0, count: zeros) + bytes.reversed()
        return result.count <= maxBytes ? result : nil
    }
}
