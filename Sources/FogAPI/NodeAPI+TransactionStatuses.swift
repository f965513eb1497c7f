import FogCrypto
import FogNode
import Foundation
import Hummingbird

/// `GET /v1/transactions?ids=HEX,HEX,…`: the statuses of many transactions in one request, so a
/// client watching its pending envelopes asks once per poll instead of once per envelope.
extension NodeAPI {
    func transactionStatuses(_ request: Request) async throws -> Response {
        guard let list = request.uri.queryParameters.get("ids") else {
            throw APIError.badRequest("invalid-parameter", "ids: a comma-separated list of transaction ids is required")
        }
        let parts = list.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= APILimits.maxStatusIDs else {
            throw APIError.badRequest("limit-exceeded", "ids: at most \(APILimits.maxStatusIDs) ids per request")
        }
        var ids: [Hash256] = []
        for part in parts {
            guard let id = Hash256(hex: String(part)) else {
                throw APIError.badRequest("invalid-parameter", "ids: each id must be a 32-byte hash in hex")
            }
            ids.append(id)
        }
        var answers: [[String: Any]] = []
        for id in ids {
            switch try await node.status(of: id) {
            case .pending:
                answers.append(["id": id.hex, "status": "pending"])
            case .unknown:
                answers.append(["id": id.hex, "status": "unknown"])
            case .committed(let stored):
                answers.append([
                    "id": id.hex, "status": "committed", "height": stored.location.height,
                    "index": stored.location.index,
                    "receipt": ["code": stored.receipt.code, "ok": stored.receipt.isOK, "height": stored.receipt.height],
                ])
            }
        }
        return JSONBody.response(["transactions": answers])
    }
}
