import FogCore
import Testing

/// Expects `CBORReader` to reject `bytes` with `code` at `offset`.
func expectRejection(
    _ bytes: [UInt8], _ code: CBORError.Code, at offset: Int?, limits: CBORLimits = .default, _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let error = #expect(throws: CBORError.self, comment, sourceLocation: sourceLocation) {
        try CBORReader.decode(bytes, limits: limits)
    }
    guard let error else { return }
    #expect(error.code == code && error.offset == offset,
            "\(comment.map { "\($0): " } ?? "")expected \(code) at \(offset.map(String.init) ?? "-"), got \(error)",
            sourceLocation: sourceLocation)
}
