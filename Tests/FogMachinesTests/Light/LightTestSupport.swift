import FogLight
import FogTestKit
import FogTypes
import Testing

/// Expects `body` to throw a `LightError` with `code`.
func expectLightError<T>(_ code: LightError.Code, _ comment: Comment? = nil,
                         sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) {
    do {
        _ = try body()
        Issue.record("expected \(code), but it verified \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
    } catch let error as LightError {
        #expect(error.code == code, "\(error) \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected LightError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}
