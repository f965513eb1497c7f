import FogCore
import FogTestKit

/// The deterministic-CBOR vector files: every example of RFC 8949 Appendix A with its outcome under
/// FogLedger's profile, and hand-built rejections, limit boundaries and schema errors.
///
/// Each expected outcome is written here by hand; the generator refuses to write a file whose entries
/// the decoder disagrees with, and for accepted RFC examples it also checks the decoded value.
enum CBORVectors {
    static let rfc8949 = VectorGenerator("cbor-rfc8949.json") {
        CBORVectorFile(description: rfcDescription, vectors: try checked(CBORAppendixA.examples))
    }

    static let rejections = VectorGenerator("cbor-rejections.json") {
        CBORVectorFile(description: rejectionsDescription, vectors: try checked(CBORRejections.vectors))
    }

    static let rfcDescription = """
        Every example of RFC 8949 Appendix A (Table 6), in the RFC's order, with its diagnostic notation \
        as the RFC prints it and its outcome under FogLedger's deterministic CBOR profile (spec/encoding.md, \
        section 1): accepted (re-encoding the decoded value gives exactly `hex`) or rejected with `error` at \
        byte `offset`. Non-preferred floats and indefinite-length items are rejected.
        """

    static let rejectionsDescription = """
        Hand-built inputs that FogLedger's deterministic CBOR decoder must reject, with the error code and \
        byte offset (spec/encoding.md, section 1), at least one per code; boundary cases of each limit \
        (accepted exactly at the limit, rejected one past it) under the `limits` given; and objects read \
        with the `sample` CBORFields schema (schema errors carry no offset; `detail` is FogLedger's message).
        """

    struct Mismatch: Error, CustomStringConvertible {
        let description: String
    }

    /// The vectors, once the decoder has been seen to agree with every one.
    static func checked(_ examples: [Example]) throws -> [CBORVector] {
        let problems = examples.compactMap(problem)
        guard problems.isEmpty else {
            throw Mismatch(description: problems.joined(separator: "\n"))
        }
        return examples.map(\.vector)
    }

    /// How the decoder disagrees with `example`, if it does.
    static func problem(_ example: Example) -> String? {
        let vector = example.vector
        let result = vector.evaluate()
        let label = "\(vector.name ?? vector.diagnostic ?? "") [\(vector.hex)]"
        guard result.outcome == vector.outcome, result.error == vector.error, result.offset == vector.offset,
              vector.detail == nil || result.detail == vector.detail
        else {
            return "\(label): expected \(vector.outcome) \(vector.error ?? "") \(vector.offset.map(String.init) ?? "") "
                + "\(vector.detail ?? ""); decoder gave \(result.outcome) \(result.error ?? "") "
                + "\(result.offset.map(String.init) ?? "") \(result.detail ?? "")"
        }
        if vector.outcome == .accepted, result.reencodedHex != vector.hex {
            return "\(label): re-encodes as \(result.reencodedHex ?? "nothing")"
        }
        if let expected = example.value {
            guard let value = result.value, value.isIdentical(to: expected), Hex.encode(expected.encoded) == vector.hex
            else {
                return "\(label): decodes as \(String(describing: result.value)), expected \(expected)"
            }
        }
        return nil
    }

    /// A vector and, for an accepted one, the value it must decode to.
    struct Example {
        let vector: CBORVector
        let value: CBORValue?
    }
}
