import Foundation
public import Hummingbird

/// An API error: answered as `{"error": {"code", "message"}}` with its HTTP status.
public struct APIError: HTTPResponseError, CustomStringConvertible {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// The stable code.
    public let code: String
    /// A human-readable detail.
    public let message: String

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONBody.response(["error": ["code": code, "message": message]], status: status)
    }

    static func notFound(_ code: String, _ message: String) -> APIError { APIError(.notFound, code, message) }
    static func badRequest(_ code: String, _ message: String) -> APIError { APIError(.badRequest, code, message) }
}

/// JSON response bodies, rendered with sorted keys.
enum JSONBody {
    static func response(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func bytes(_ bytes: [UInt8], contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// Turns every error a route throws into the API's JSON error shape: Hummingbird's own (no such
/// route: 404 `unknown-route`; 405 `method-not-allowed`; …) and unexpected ones (500 `internal`,
/// logged without their detail reaching the client).
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            let code = switch error.status {
            case .notFound: "unknown-route"
            case .methodNotAllowed: "method-not-allowed"
            case .contentTooLarge: "body-too-large"
            default: "http-\(error.status.code)"
            }
            throw APIError(error.status, code, error.body ?? error.status.reasonPhrase)
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw APIError(.internalServerError, "internal", "the node could not answer; see its log")
        }
    }
}
