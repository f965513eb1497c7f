import FogCore
import Foundation
import Testing

@Suite struct JSONStringTests {
    @Test func escapesQuoteBackslashAndControlCharacters() {
        #expect(JSONString.quoted("") == #""""#)
        #expect(JSONString.quoted("plain text") == #""plain text""#)
        #expect(JSONString.quoted(#"say "hi" \ bye"#) == #""say \"hi\" \\ bye""#)
        #expect(JSONString.quoted("a\nb\rc\td") == #""a\nb\rc\td""#)
        #expect(JSONString.quoted("\u{0}\u{8}\u{c}\u{1b}\u{1f}") == #""\u0000\u0008\u000c\u001b\u001f""#)
    }

    @Test func leavesEverythingElseAsItIs() {
        // DEL, '/', and characters beyond ASCII (two, three and four UTF-8 bytes) are not escaped.
        let text = "\u{20}/\u{7f}é€😀\u{2028}"
        #expect(JSONString.quoted(text) == "\"" + text + "\"")
    }

    @Test func appendsToExistingText() {
        var out = "{\"k\":"
        JSONString.append("v\"", to: &out)
        #expect(out == #"{"k":"v\"""#)
    }

    @Test func everyControlCharacterHasOneEscape() {
        for value in UInt32(0)..<0x20 {
            let literal = JSONString.quoted(String(Unicode.Scalar(value)!))
            let expected = switch value {
            case 0x0a: #""\n""#
            case 0x0d: #""\r""#
            case 0x09: #""\t""#
            default: "\"\\u00" + (value < 0x10 ? "0" : "") + String(value, radix: 16) + "\""
            }
            #expect(literal == expected)
        }
    }

    /// A JSON parser reads back exactly the text that was quoted, for seeded random strings drawn
    /// mostly from the characters that need care.
    @Test func roundTripsThroughAJSONParser() throws {
        var random = SplitMix64(seed: 0x4A53_4F4E)
        let alphabet: [Unicode.Scalar] = (0..<0x20).map { Unicode.Scalar($0)! }
            + ["\"", "\\", "/", "a", "Z", "\u{7f}", "\u{e9}", "\u{20ac}", "\u{1F600}", "\u{2028}", "\u{a0}", "\u{10FFFD}"]
        for _ in 0..<500 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int(random.next() % 24) { text.append(alphabet[Int(random.next() % UInt64(alphabet.count))]) }
            let original = String(text)
            let literal = JSONString.quoted(original)
            let parsed = try JSONSerialization.jsonObject(with: Data(("[" + literal + "]").utf8)) as? [String]
            #expect(parsed == [original], "literal \(literal)")
        }
    }
}
