/// JSON string literals (RFC 8259 §7), for JSON text written directly rather than through a
/// serializer: MQTT acks, CLI output, CBOR diagnostic notation (RFC 8949 §8 uses JSON's escapes).
///
/// Foundation-free, so that it can be built for microcontrollers with Embedded Swift.
public enum JSONString {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `text` as a JSON string literal, quotes included (see ``append(_:to:)``).
    public static func quoted(_ text: String) -> String {
        var out = ""
        append(text, to: &out)
        return out
    }

    /// Appends `text` as a JSON string literal to `out`: between double quotes, `"` and `\` are
    /// escaped with a backslash, the control characters U+0000–U+001F are written `\n`, `\r`, `\t`,
    /// or else `\u00XX` (lowercase hex), and every other character stands for itself (the literal is
    /// UTF-8 text like its input; `/` and characters beyond ASCII are not escaped).
    public static func append(_ text: String, to out: inout String) {
        out.unicodeScalars.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u00"
                out.unicodeScalars.append(Unicode.Scalar(hexDigits[Int(scalar.value >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hexDigits[Int(scalar.value & 0x0f)]))
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out.unicodeScalars.append("\"")
    }
}
